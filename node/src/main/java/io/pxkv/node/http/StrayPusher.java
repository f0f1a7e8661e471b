package io.pxkv.node.http;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaMoves;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.cluster.Membership;
import io.pxkv.node.storage.StorageEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code POST /internal/push-strays?after=K&limit=N}: moves up to N of this node's strays (keys,
 * live or deleted, whose owner in the target layout of the view it serves is another node), in key
 * order after K, to their owners, node to node:
 *
 * <ol>
 *   <li>reads them with their versions and writers (tombstones too: a delete must travel with the
 *       key, or an older copy elsewhere could come back; handoff markers are walked over but not
 *       strays: the key already left, and a marker is not a delete);
 *   <li>sends each owner its share as {@code POST /internal/import}, tagged with the view: the
 *       owner keeps whichever version is newer, so a write made there meanwhile wins;
 *   <li>once every owner answered, hands each key off here ({@link StorageEngine#handoff}): a
 *       marker that hides the local copy, written only if the copy is still exactly the one sent.
 * </ol>
 *
 * So a key is on its owner before it leaves here, and never lost between the two.
 *
 * <p>With replicas ({@link ReplicaMoves}: some layout of the view keeps more than one copy) the
 * walk takes the keys whose replica set changed. A key this node is not in the target set of goes
 * to every member of that set, and is handed off only once all of them stored it, so it never has
 * fewer copies than before; a member that cannot be reached fails the call and the copy stays. A
 * key this node keeps goes to the members that gained it (they may lack writes made before they
 * joined its set), and stays here. A settled view with replicas has nothing to push. Answers {@code
 * {"moved":a,"alreadyNewer":b,"bytes":c,"next":K2}}: {@code next} is the last key walked (a marker
 * counts towards N), or null once every key after K was walked. The router drives the calls, paces
 * them, and retries failures; a retry redoes nothing harmful (imports keep the newer version,
 * handoffs only hide what was sent). Runs on the event loop; reads go through {@link
 * StorageService}.
 */
public final class StrayPusher {
  private static final int DEFAULT_LIMIT = 2000;

  /** Strays read, sent and handed off together within one call. */
  private static final int CHUNK = 1000;

  /** Chunks of one call on their way at once. */
  private static final int CHUNKS_IN_FLIGHT = 3;

  private static final int MAX_LIMIT = 50_000;
  private static final long PUSH_TIMEOUT_MS = 60_000;

  private final StorageService storage;
  private final Membership membership;
  private final HttpClient client;
  private final String authorization; // null: the cluster has no secret

  /**
   * {@code peers}: how to call the other nodes (TLS trust and client certificate for {@code
   * https://} ones, and the cluster secret every push carries).
   */
  public StrayPusher(Vertx vertx, StorageService storage, Membership membership, NodeAccess peers) {
    this.storage = storage;
    this.membership = membership;
    this.authorization = peers.authorization();
    // TLS is chosen per request, by the owner's URL; the options carry the trust for it.
    this.client =
        vertx.createHttpClient(
            peers.applyTo(
                new HttpClientOptions()
                    .setKeepAlive(true)
                    .setTcpNoDelay(true)
                    .setConnectTimeout(5000),
                false));
  }

  public void push(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    ClusterState state = membership.openState();
    ClusterState.Placement placement = membership.placement();
    if (state == null) {
      throw new KvException(ErrorCode.STALE_VIEW, "this node has no view of the cluster yet");
    }
    String self = membership.nodeId();
    ReplicaMoves moves = replicaMoves(state);
    boolean replicated = moves != null || state.target().copies() > 1;
    Route route =
        moves == null && replicated
            // A settled view with replicas: every key is where its replica set says.
            ? new Route(key -> false, key -> List.of())
            : moves == null
                ? new Route(
                    key -> !placement.owner(key).equals(self), key -> List.of(placement.owner(key)))
                : new Route(
                    key -> !moves.destinations(key, self).isEmpty(),
                    key -> moves.destinations(key, self));
    Predicate<String> leaves = moves == null ? key -> true : key -> !moves.keeps(key, self);
    new Walk(state, route, leaves)
        .run(request.getParam("after"), limit(request.getParam("limit")))
        .onSuccess(body -> JsonResponses.send(request.response(), 200, body))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  /**
   * Which keys a walk moves ({@code moves}) and the nodes each goes to ({@code to}): with one copy
   * of each key, the strays, to their owner; with replicas, every key whose replica set changed, to
   * every member of its target set (this node not in it) or to the members that gained it.
   */
  private record Route(Predicate<String> moves, Function<String, List<String>> to) {}

  /** The replica sets of {@code state}'s layouts, built once per view; null with one copy. */
  private ReplicaMoves replicaMoves(ClusterState state) {
    Cached c = cached;
    if (c != null && c.state == state) return c.moves;
    ReplicaMoves moves = ReplicaMoves.of(state);
    cached = new Cached(state, moves);
    return moves;
  }

  private record Cached(ClusterState state, ReplicaMoves moves) {}

  private volatile Cached cached;

  /**
   * One call's walk: strays read in chunks of {@link #CHUNK}, each chunk sent to its owners and
   * handed off while the next chunk is read, at most {@link #CHUNKS_IN_FLIGHT} at once, so reading,
   * sending and writing overlap. The answer waits for every chunk: its {@code next} promises that
   * every stray up to it is on its owner.
   */
  private final class Walk {
    private final ClusterState state;
    private final Route route;
    private final Predicate<String> leaves;
    private final java.util.ArrayDeque<Future<long[]>> inFlight = new java.util.ArrayDeque<>();
    private final List<Future<long[]>> all = new ArrayList<>();
    private final io.vertx.core.Promise<Buffer> done = io.vertx.core.Promise.promise();
    private String cursor;
    private int left;
    private boolean ended;

    Walk(ClusterState state, Route route, Predicate<String> leaves) {
      this.state = state;
      this.route = route;
      this.leaves = leaves;
    }

    Future<Buffer> run(String after, int limit) {
      cursor = after;
      left = limit;
      readNext();
      return done.future();
    }

    private void readNext() {
      if (ended || left == 0) {
        finish();
        return;
      }
      int n = Math.min(CHUNK, left);
      storage
          .scanRecords("", cursor, n, true, route.moves())
          .onFailure(done::tryFail)
          .onSuccess(
              chunk -> {
                left -= chunk.size();
                if (chunk.size() < n) {
                  ended = true;
                } else {
                  cursor = chunk.get(chunk.size() - 1).key();
                }
                Future<long[]> moved = moveChunk(chunk).onFailure(done::tryFail);
                inFlight.addLast(moved);
                all.add(moved);
                if (inFlight.size() < CHUNKS_IN_FLIGHT) {
                  readNext();
                } else {
                  inFlight.pollFirst().onSuccess(v -> readNext());
                }
              });
    }

    /**
     * Sends a chunk's strays (not its markers) to where they go, then hands off here those this
     * node does not keep: only once every destination stored them, so a key never has fewer copies
     * than before (a destination that cannot be reached fails the call; the router retries).
     */
    private Future<long[]> moveChunk(List<StorageEngine.StoredRecord> chunk) {
      List<StorageEngine.StoredRecord> records = new ArrayList<>(chunk.size());
      long bytes = 0;
      for (StorageEngine.StoredRecord r : chunk) {
        if (r.handedOff()) continue;
        records.add(r);
        bytes += r.key().length() + (r.value() == null ? 0 : r.value().length);
      }
      if (records.isEmpty()) return Future.succeededFuture(new long[] {0, 0, 0});
      long chunkBytes = bytes;
      List<StorageEngine.StoredRecord> leaving = new ArrayList<>(records.size());
      for (StorageEngine.StoredRecord r : records) {
        if (leaves.test(r.key())) leaving.add(r);
      }
      return send(state, route, records)
          .compose(
              skipped ->
                  leaving.isEmpty()
                      ? Future.succeededFuture(skipped)
                      : handOff(leaving, state.epoch()).map(v -> skipped))
          .map(skipped -> new long[] {records.size(), skipped, chunkBytes});
    }

    private void finish() {
      Future.all(all)
          .onFailure(done::tryFail)
          .onSuccess(
              v -> {
                long moved = 0;
                long skipped = 0;
                long bytes = 0;
                for (Future<long[]> f : all) {
                  moved += f.result()[0];
                  skipped += f.result()[1];
                  bytes += f.result()[2];
                }
                done.tryComplete(answer(moved, skipped, bytes, ended ? null : cursor));
              });
    }
  }

  /**
   * Imports the records on every node they go to; completes with how many imports found a newer
   * version there.
   */
  private Future<Long> send(
      ClusterState state, Route route, List<StorageEngine.StoredRecord> records) {
    Map<String, Buffer> byOwner = new LinkedHashMap<>();
    for (StorageEngine.StoredRecord r : records) {
      byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
      for (String to : route.to().apply(r.key())) {
        Buffer batch = byOwner.computeIfAbsent(to, o -> Buffer.buffer(64 * 1024));
        RecordBatch.append(batch, key, r.value(), r.version(), r.writer(), r.expiresAt());
      }
    }
    List<Future<Long>> imports = new ArrayList<>();
    for (Map.Entry<String, Buffer> e : byOwner.entrySet()) {
      NodeInfo owner = state.target().node(e.getKey());
      imports.add(importOn(owner, state, e.getValue()));
    }
    return Future.all(imports)
        .map(
            done -> {
              long skipped = 0;
              for (Future<Long> f : imports) skipped += f.result();
              return skipped;
            });
  }

  private Future<Long> importOn(NodeInfo owner, ClusterState state, Buffer lines) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(owner.host())
            .setPort(owner.port())
            .setURI("/internal/import")
            .setTimeout(PUSH_TIMEOUT_MS)
            .putHeader(Headers.CONTENT_TYPE, RecordBatch.CONTENT_TYPE)
            .putHeader(ViewHeaders.CLUSTER, state.clusterId())
            .putHeader(ViewHeaders.EPOCH, Long.toString(state.epoch()));
    options.setSsl(owner.tls());
    if (authorization != null) options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    return client
        .request(options)
        .compose(req -> req.send(lines))
        .compose(
            resp ->
                resp.body()
                    .map(
                        body -> {
                          if (resp.statusCode() != 200) {
                            throw new KvException(
                                resp.statusCode() == 409
                                    ? ErrorCode.STALE_VIEW
                                    : ErrorCode.NODE_UNAVAILABLE,
                                owner.id()
                                    + " answered "
                                    + resp.statusCode()
                                    + " to an import: "
                                    + body);
                          }
                          return new JsonObject(body).getLong("skipped", 0L);
                        }))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof KvException
                        ? e
                        : new KvException(
                            ErrorCode.NODE_UNAVAILABLE,
                            "cannot import on " + owner.id() + ": " + e.getMessage())));
  }

  /** Hands every record off here at once; fails if any handoff failed (the router retries). */
  private Future<Void> handOff(List<StorageEngine.StoredRecord> records, long epoch) {
    return storage
        .handoffAll(records, epoch)
        .compose(
            outcomes -> {
              for (var o : outcomes) {
                if (o.failed()) return Future.failedFuture(o.cause());
              }
              return Future.succeededFuture();
            });
  }

  private static Buffer answer(long moved, long alreadyNewer, long bytes, String next) {
    return new JsonObject()
        .put("moved", moved)
        .put("alreadyNewer", alreadyNewer)
        .put("bytes", bytes)
        .put("next", next)
        .toBuffer();
  }

  private static int limit(String raw) {
    if (raw == null) return DEFAULT_LIMIT;
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= MAX_LIMIT) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new KvException(
        ErrorCode.INVALID_LIMIT, "limit must be 1.." + MAX_LIMIT + " (was '" + raw + "')");
  }
}
