package io.pxkv.router;

import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A storage node in memory that speaks the node's {@code /kv} API closely enough for router tests,
 * and can misbehave on demand: never answer, answer late, or cut its streamed listing halfway. It
 * records every request it receives, so tests can tell whether the router made a hop. It does not
 * know {@code POST /internal/put-batch} (it answers {@code 404}), like a node older than the
 * router.
 *
 * <p>It serves {@code GET /internal/scan} (prefix, after, limit, deleted) in UTF-8 key order, from
 * {@link #data} (each pair at version 1, writer 0) overlaid by {@link #records} (versioned records,
 * tombstones and handoff markers put there by a test), and {@code GET /internal/read} from the same
 * overlaid by {@link #arrivedLate} (records a scan passed before they arrived), and can refuse
 * requests tagged with an older view than {@link #refuseEpochsBelow} with {@code 409 stale_view}.
 */
final class FakeNode {
  /** One request as the node saw it; {@code epoch} is its view tag's epoch header, or null. */
  record Seen(HttpMethod method, String uri, String contentType, String body, String epoch) {}

  /**
   * A key's record as a scan reports it: a value, a tombstone when {@code value} is null, or a
   * handoff marker ({@code handedOff}: the key left this node with write (version, writer)).
   */
  record Stored(String value, long version, int writer, boolean handedOff) {
    Stored(String value, long version, int writer) {
      this(value, version, writer, false);
    }

    static Stored tombstone(long version, int writer) {
      return new Stored(null, version, writer);
    }

    static Stored marker(long version, int writer) {
      return new Stored(null, version, writer, true);
    }
  }

  private static final int CHUNK_BYTES = 1001;

  private final Vertx vertx;
  private final String id;
  private final NavigableMap<String, String> data = new ConcurrentSkipListMap<>();
  private final NavigableMap<String, Stored> records = new ConcurrentSkipListMap<>(KeyOrder.UTF8);
  private final Map<String, Stored> arrivedLate = new ConcurrentSkipListMap<>(KeyOrder.UTF8);
  private volatile boolean failReads;
  private volatile long refuseEpochsBelow;
  private volatile long refuseReadsBelow;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile boolean hang;
  private volatile long delayMs;
  private volatile boolean breakListing;
  private final CompletableFuture<Void> listingConnectionClosed = new CompletableFuture<>();
  private HttpServer server;
  private volatile io.vertx.core.json.JsonObject views = new io.vertx.core.json.JsonObject();

  FakeNode(Vertx vertx, String id) {
    this.vertx = vertx;
    this.id = id;
  }

  /** Starts fake nodes node-1 to node-{@code count}, each on a free loopback port. */
  static List<FakeNode> startAll(Vertx vertx, int count) throws Exception {
    List<FakeNode> started = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      started.add(new FakeNode(vertx, "node-" + i).start(0).await(20, TimeUnit.SECONDS));
    }
    return started;
  }

  /** What a cluster file says of each of {@code nodes}. */
  static List<NodeInfo> infos(List<FakeNode> nodes) {
    List<NodeInfo> infos = new ArrayList<>();
    for (FakeNode n : nodes) infos.add(NodeInfo.of(n.id(), "127.0.0.1", n.port()));
    return infos;
  }

  Future<FakeNode> start(int port) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, "127.0.0.1").map(s -> this);
  }

  Future<Void> stop() {
    return server.close();
  }

  int port() {
    return server.actualPort();
  }

  String id() {
    return id;
  }

  NavigableMap<String, String> data() {
    return data;
  }

  /** Versioned records and held tombstones; a key here overrides {@link #data} in scans. */
  NavigableMap<String, Stored> records() {
    return records;
  }

  /**
   * Records that arrived after every scan passed their key: {@code /internal/read} sees them (over
   * {@link #records} and {@link #data}), scans do not.
   */
  Map<String, Stored> arrivedLate() {
    return arrivedLate;
  }

  /** Answers {@code /internal/read} with {@code 500} from now on (a node that broke). */
  void failReads(boolean on) {
    failReads = on;
  }

  List<Seen> seen() {
    return seen;
  }

  /** Makes this node one of cluster {@code clusterId} (as if a router of it had been here). */
  void belongTo(String clusterId) {
    views = new io.vertx.core.json.JsonObject().put("clusterId", clusterId);
  }

  /** Requests tagged with an epoch below {@code epoch} get {@code 409 stale_view} from now on. */
  void refuseEpochsBelow(long epoch) {
    refuseEpochsBelow = epoch;
  }

  /**
   * {@code /internal/read} requests tagged with an epoch below {@code epoch} get {@code 409
   * stale_view} from now on (scans are still served): the node moved to a newer view mid-listing.
   */
  void refuseReadsBelow(long epoch) {
    refuseReadsBelow = epoch;
  }

  void hang(boolean on) {
    hang = on;
  }

  /** Answers each request {@code ms} after it arrived (0: at once). */
  void delay(long ms) {
    delayMs = ms;
  }

  void breakListing(boolean on) {
    breakListing = on;
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              if (request.path().startsWith("/internal/view")
                  || request.path().equals("/internal/lease")) {
                answer(request, body.getBytes()); // the coordinator's, not what tests look for
                return;
              }
              seen.add(
                  new Seen(
                      request.method(),
                      request.uri(),
                      request.getHeader(Headers.CONTENT_TYPE),
                      body.toString(),
                      request.getHeader("X-Pxkv-Epoch")));
              if (hang) {
                return;
              }
              long delay = delayMs;
              if (delay > 0) {
                vertx.setTimer(delay, t -> answer(request, body.getBytes()));
              } else {
                answer(request, body.getBytes());
              }
            });
  }

  private void answer(HttpServerRequest request, byte[] body) {
    try {
      route(request, body);
    } catch (RuntimeException e) {
      ErrorResponses.send(request.response(), e);
    }
  }

  /**
   * Completes when a connection that carried a full listing ({@code GET /kv}, or a scan without a
   * limit) closes.
   */
  CompletableFuture<Void> listingConnectionClosed() {
    return listingConnectionClosed;
  }

  private void route(HttpServerRequest request, byte[] body) {
    String path = request.path();
    HttpServerResponse response = request.response();
    String epoch = request.getHeader("X-Pxkv-Epoch");
    if (path.startsWith("/internal/view")) {
      view(request, path, body);
    } else if (path.equals("/internal/lease")) {
      json(response, 200, "{\"granted\":true}"); // every router leads: the tests run one
    } else if (epoch != null && Long.parseLong(epoch) < refuseEpochsBelow) {
      staleView(response, refuseEpochsBelow);
    } else if (epoch != null
        && path.equals("/internal/read")
        && Long.parseLong(epoch) < refuseReadsBelow) {
      staleView(response, refuseReadsBelow);
    } else if (path.equals("/internal/scan")) {
      scan(request);
    } else if (path.equals("/internal/read")) {
      read(response, request.getParam("key"));
    } else if (path.equals("/internal/replicate")) {
      replicate(response, body);
    } else if (path.equals("/health")) {
      json(response, 200, "{\"status\":\"ok\",\"id\":\"" + id + "\"}");
    } else if (path.equals("/admin/stats")) {
      json(response, 200, "{\"keys\":" + data.size() + ",\"diskBytes\":0,\"cacheHitRatio\":0.5}");
    } else if (path.equals("/teapot")) {
      response
          .setStatusCode(418)
          .putHeader(Headers.CONTENT_TYPE, "text/x-tea")
          .end("short and stout");
    } else if (KeyPaths.isKeyPath(path)) {
      String key = KeyPaths.keyOf(path);
      switch (request.method().name()) {
        case "GET" -> get(response, key);
        case "PUT" ->
            put(response, key, new String(KvJson.parseBareValue(body, ValueLimits.DEFAULTS)));
        case "DELETE" -> delete(response, key);
        default -> throw new KvException(ErrorCode.METHOD_NOT_ALLOWED, "no");
      }
    } else if (path.equals("/kv")) {
      String key = request.getParam("key");
      switch (request.method().name()) {
        case "GET" -> {
          if (key != null) {
            get(response, key);
          } else if (Cursors.isPaged(
              request.getParam("prefix"), request.getParam("limit"), request.getParam("cursor"))) {
            page(request);
          } else if (body.length > 0) {
            get(response, KvJson.parseKeyBody(body));
          } else {
            request.connection().closeHandler(v -> listingConnectionClosed.complete(null));
            listAll(response);
          }
        }
        case "PUT" -> {
          KvJson.PutBody put = KvJson.parsePutBody(body, ValueLimits.DEFAULTS);
          put(response, put.key(), new String(put.value()));
        }
        case "DELETE" -> delete(response, key != null ? key : KvJson.parseKeyBody(body));
        default -> throw new KvException(ErrorCode.METHOD_NOT_ALLOWED, "no");
      }
    } else {
      throw new KvException(ErrorCode.NOT_FOUND, "no such path");
    }
  }

  private static void staleView(HttpServerResponse response, long nodeEpoch) {
    json(
        response,
        409,
        "{\"error\":\"stale_view\",\"message\":\"this node is on view "
            + nodeEpoch
            + "\",\"epoch\":"
            + nodeEpoch
            + "}");
  }

  /** The view calls: stores what it is given, answers a clock of 1. */
  private void view(HttpServerRequest request, String path, byte[] body) {
    io.vertx.core.json.JsonObject stored = views.copy().put("node", id);
    if (path.equals("/internal/view")) {
      json(request.response(), 200, stored.encode());
      return;
    }
    io.vertx.core.json.JsonObject in = new io.vertx.core.json.JsonObject(new String(body));
    if (path.equals("/internal/view/prepare")) {
      io.vertx.core.json.JsonObject state = in.getJsonObject("state");
      stored.put("clusterId", state.getString("clusterId")).put("prepared", state);
      views = stored;
      json(request.response(), 200, "{\"clock\":1}");
    } else {
      io.vertx.core.json.JsonObject open =
          stored.getJsonObject("prepared").copy().put("floor", in.getLong("floor"));
      views = stored.put("open", open);
      json(request.response(), 200, "{\"epoch\":" + in.getLong("epoch") + "}");
    }
  }

  private void get(HttpServerResponse response, String key) {
    String value = data.get(key);
    if (value == null) {
      throw KvException.notFound(key);
    }
    json(response, 200, item(key, value));
  }

  private void put(HttpServerResponse response, String key, String value) {
    boolean created = data.put(key, value) == null;
    json(response, created ? 201 : 200, item(key, value));
  }

  private void delete(HttpServerResponse response, String key) {
    if (data.remove(key) == null) {
      throw KvException.notFound(key);
    }
    json(response, 200, "{\"key\":" + new String(KvJson.quote(key)) + ",\"deleted\":true}");
  }

  private void page(HttpServerRequest request) {
    String prefix = request.getParam("prefix", "");
    int limit = Cursors.parseLimit(request.getParam("limit"));
    String cursor = request.getParam("cursor");
    String after = cursor == null ? null : Cursors.decode(cursor);
    NavigableMap<String, String> tail = after == null ? data : data.tailMap(after, false);
    StringBuilder sb = new StringBuilder("{\"items\":[");
    int n = 0;
    String last = null;
    boolean more = false;
    for (Map.Entry<String, String> e : tail.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      if (n == limit) {
        more = true;
        break;
      }
      if (n++ > 0) {
        sb.append(',');
      }
      sb.append(item(e.getKey(), e.getValue()));
      last = e.getKey();
    }
    sb.append(']');
    if (more) {
      sb.append(",\"cursor\":").append(new String(KvJson.quote(Cursors.encode(last))));
    }
    json(request.response(), 200, sb.append('}').toString());
  }

  /**
   * Streams {@code {K:V,...}} in odd-sized chunks, so chunk boundaries split multi-byte characters,
   * or cuts the connection halfway if told to.
   */
  private void listAll(HttpServerResponse response) {
    response.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, String> e : data.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(new String(KvJson.quote(e.getKey()))).append(':').append(e.getValue());
    }
    Buffer all = Buffer.buffer(sb.append('}').toString());
    int cut = breakListing ? all.length() / 2 : all.length();
    for (int from = 0; from < cut; from += CHUNK_BYTES) {
      response.write(all.slice(from, Math.min(cut, from + CHUNK_BYTES)));
    }
    if (breakListing) {
      response.reset();
    } else {
      response.end();
    }
  }

  /**
   * {@code GET /internal/scan}: records in UTF-8 key order strictly after {@code after}, with
   * {@code prefix}, tombstones only with {@code deleted=1}; at most {@code limit} in one body, or
   * every one streamed in odd-sized chunks (cut halfway if told to) when no limit is given.
   */
  private void scan(HttpServerRequest request) {
    String prefix = request.getParam("prefix", "");
    String after = request.getParam("after");
    String rawLimit = request.getParam("limit");
    int limit = rawLimit == null ? Integer.MAX_VALUE : Integer.parseInt(rawLimit);
    boolean deleted = "1".equals(request.getParam("deleted"));
    NavigableMap<String, Stored> all = new TreeMap<>(KeyOrder.UTF8);
    data.forEach((k, v) -> all.put(k, new Stored(v, 1, 0)));
    all.putAll(records);
    StringBuilder lines = new StringBuilder();
    int n = 0;
    for (Map.Entry<String, Stored> e :
        (after == null ? all : all.tailMap(after, false)).entrySet()) {
      if (n == limit) break;
      Stored s = e.getValue();
      if (!e.getKey().startsWith(prefix) || (s.value() == null && !deleted)) continue;
      lines
          .append("{\"key\":")
          .append(new String(KvJson.quote(e.getKey()), StandardCharsets.UTF_8));
      if (s.handedOff()) {
        lines.append(",\"handedOff\":true");
      } else if (s.value() == null) {
        lines.append(",\"deleted\":true");
      } else {
        lines.append(",\"value\":").append(s.value());
      }
      lines.append(",\"version\":").append(s.version());
      lines.append(",\"writer\":").append(Integer.toUnsignedString(s.writer())).append("}\n");
      n++;
    }
    HttpServerResponse response = request.response();
    response.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON);
    if (rawLimit != null) {
      response.end(lines.toString());
      return;
    }
    request.connection().closeHandler(v -> listingConnectionClosed.complete(null));
    response.setChunked(true);
    Buffer body = Buffer.buffer(lines.toString());
    int cut = breakListing ? body.length() / 2 : body.length();
    for (int from = 0; from < cut; from += CHUNK_BYTES) {
      response.write(body.slice(from, Math.min(cut, from + CHUNK_BYTES)));
    }
    if (breakListing) {
      response.reset();
    } else {
      response.end();
    }
  }

  /** {@code GET /internal/read}: live 200, held tombstone 404 with it, else (markers too) 404. */
  private void read(HttpServerResponse response, String key) {
    if (failReads) {
      json(response, 500, "{\"error\":\"internal\",\"message\":\"broken on purpose\"}");
      return;
    }
    Stored s = arrivedLate.get(key);
    if (s == null) s = records.get(key);
    if (s == null && data.containsKey(key)) s = new Stored(data.get(key), 1, 0);
    String quoted = new String(KvJson.quote(key), StandardCharsets.UTF_8);
    String stamp = ",\"version\":" + (s == null ? 0 : s.version());
    stamp += ",\"writer\":" + (s == null ? 0 : Integer.toUnsignedString(s.writer())) + "}";
    if (s == null || s.handedOff()) {
      json(response, 404, "{\"error\":\"not_found\",\"message\":\"no value for key\"}");
    } else if (s.value() == null) {
      json(
          response,
          404,
          "{\"error\":\"not_found\",\"message\":\"no value (deleted)\",\"deleted\":true" + stamp);
    } else {
      json(response, 200, "{\"key\":" + quoted + ",\"value\":" + s.value() + stamp);
    }
  }

  /**
   * {@code POST /internal/replicate}: each record of the batch is stored in {@link #records} if it
   * is newer than what is held there, and answered as a node does, with the state it replaced or
   * the newer write held.
   */
  private void replicate(HttpServerResponse response, byte[] body) {
    io.vertx.core.json.JsonArray results = new io.vertx.core.json.JsonArray();
    for (RecordBatch.Entry e : RecordBatch.decode(io.vertx.core.buffer.Buffer.buffer(body))) {
      Stored held = records.get(e.key());
      boolean newer =
          held == null
              || WriteOrder.compare(e.version(), e.writer(), held.version(), held.writer()) > 0;
      io.vertx.core.json.JsonObject r = new io.vertx.core.json.JsonObject().put("applied", newer);
      if (held == null || held.handedOff()) {
        r.put("prior", "absent").put("version", 0L).put("writer", 0L);
      } else {
        r.put("prior", held.value() == null ? "deleted" : "live")
            .put("version", held.version())
            .put("writer", Integer.toUnsignedLong(held.writer()));
      }
      if (newer) {
        String value = e.value() == null ? null : new String(e.value(), StandardCharsets.UTF_8);
        records.put(e.key(), new Stored(value, e.version(), e.writer()));
      }
      results.add(r);
    }
    json(response, 200, new io.vertx.core.json.JsonObject().put("results", results).encode());
  }

  private static String item(String key, String value) {
    return "{\"key\":" + new String(KvJson.quote(key)) + ",\"value\":" + value + ",\"version\":1}";
  }

  private static void json(HttpServerResponse response, int status, String body) {
    response
        .setStatusCode(status)
        .putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
        .end(Buffer.buffer(body));
  }
}
