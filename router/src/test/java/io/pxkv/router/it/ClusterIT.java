package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real router in this JVM in front of three real nodes in child JVMs, on random ports. The tests
 * run in order on one data set: write 10,000 keys, find each where the ring says, list them both
 * ways, then kill a node and bring it back on the same data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final int KEYS = 10_000;
  private static final int IN_FLIGHT = 32;
  private static final long START_DEADLINE_MS = 60_000;
  private static final long WAIT_S = 60;

  private Path dataRoot;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private Vertx vertx;
  private WebClient client;
  private ConsistentHashRing ring;
  private RunningRouter router;

  @BeforeAll
  void startClusterAndRouter(@TempDir Path dataRoot) throws Exception {
    this.dataRoot = dataRoot;
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      NodeProcess node = new NodeProcess("node-" + i, 0, dataRoot.resolve("node-" + i));
      node.start(START_DEADLINE_MS);
      nodes.add(node);
      infos.add(NodeInfo.of(node.id(), "127.0.0.1", node.port()));
    }
    ClusterConfig cluster = new ClusterConfig(128, infos);
    ring = cluster.ring();
    vertx = Vertx.vertx();
    // A generous deadline: this machine may be busy, and this test is about routing, not timeouts
    // (a killed node is refused at once, whatever the deadline).
    RouterConfig config = RouterConfig.of(cluster, 0).withTimeoutMs(30_000);
    router = RunningRouter.start(vertx, config).await(WAIT_S, TimeUnit.SECONDS);
    client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
  }

  @AfterAll
  void stopEverything() throws Exception {
    for (NodeProcess node : nodes) {
      node.kill();
    }
    if (vertx != null) {
      vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void tenThousandKeysWrittenThroughTheRouterAllReadBack() throws Exception {
    List<Integer> statuses =
        all(
            i ->
                send(router.port(), HttpMethod.PUT, "/kv", putBody(i))
                    .map(HttpResponse::statusCode));
    statuses.forEach(s -> assertEquals(201, s));
    List<String> read =
        all(
            i ->
                send(router.port(), HttpMethod.GET, "/kv?key=" + encode(key(i)), null)
                    .map(this::value));
    for (int i = 0; i < KEYS; i++) {
      assertEquals(value(i), read.get(i), key(i));
    }
  }

  @Test
  @Order(2)
  void eachKeySitsOnTheNodeTheRingNames() throws Exception {
    Map<String, Integer> ports = new HashMap<>();
    nodes.forEach(n -> ports.put(n.id(), n.port()));
    List<Integer> onOwner =
        all(
            i ->
                send(
                        ports.get(ring.owner(key(i))),
                        HttpMethod.GET,
                        "/kv?key=" + encode(key(i)),
                        null)
                    .map(HttpResponse::statusCode));
    onOwner.forEach(s -> assertEquals(200, s));
    for (NodeProcess node : nodes) {
      JsonObject stats =
          send(node.port(), HttpMethod.GET, "/admin/stats", null)
              .await(WAIT_S, TimeUnit.SECONDS)
              .bodyAsJsonObject();
      long expected = countOwnedBy(node.id());
      assertEquals(expected, stats.getLong("keys"), node.id() + " " + stats.encode());
    }
  }

  @Test
  @Order(3)
  void getKvStreamsExactlyTheKeysWritten() throws Exception {
    HttpResponse<Buffer> response =
        send(router.port(), HttpMethod.GET, "/kv", null).await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    JsonObject all = response.bodyAsJsonObject();
    assertEquals(KEYS, all.size());
    for (int i = 0; i < KEYS; i++) {
      assertEquals(i, all.getJsonObject(key(i)).getInteger("i"), key(i));
    }
  }

  @Test
  @Order(4)
  void thePagedListingReturnsEachKeyExactlyOnce() throws Exception {
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      String uri = "/kv?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonObject page =
          send(router.port(), HttpMethod.GET, uri, null)
              .await(WAIT_S, TimeUnit.SECONDS)
              .bodyAsJsonObject();
      JsonArray items = page.getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        String key = items.getJsonObject(i).getString("key");
        assertTrue(seen.add(key), "listed twice: " + key);
      }
      cursor = page.getString("cursor");
      pages++;
    } while (cursor != null && pages < 100);
    assertEquals(KEYS, seen.size());
  }

  @Test
  @Order(5)
  void aKilledNodeGivesFast503sForItsKeysOnlyAndItsKeysReturnWithIt() throws Exception {
    NodeProcess victim = nodes.get(1);
    victim.kill();
    List<Integer> victimKeys = new ArrayList<>();
    List<Integer> otherKeys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      (ring.owner(key(i)).equals(victim.id()) ? victimKeys : otherKeys).add(i);
    }
    for (int i : victimKeys.subList(0, 50)) {
      long start = System.nanoTime();
      HttpResponse<Buffer> r =
          send(router.port(), HttpMethod.GET, "/kv?key=" + encode(key(i)), null)
              .await(WAIT_S, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertEquals("node_unavailable", r.bodyAsJsonObject().getString("error"));
      assertTrue(tookMs < 1000, "503 took " + tookMs + " ms");
    }
    for (int i : otherKeys.subList(0, 200)) {
      HttpResponse<Buffer> r =
          send(router.port(), HttpMethod.GET, "/kv?key=" + encode(key(i)), null)
              .await(WAIT_S, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.bodyAsString());
    }

    NodeProcess revived =
        new NodeProcess(victim.id(), victim.port(), dataRoot.resolve(victim.id()));
    revived.start(START_DEADLINE_MS);
    nodes.set(1, revived);
    List<String> back =
        all(
            victimKeys,
            i ->
                send(router.port(), HttpMethod.GET, "/kv?key=" + encode(key(i)), null)
                    .map(this::value));
    for (int n = 0; n < victimKeys.size(); n++) {
      assertEquals(value(victimKeys.get(n)), back.get(n), key(victimKeys.get(n)));
    }
  }

  @Test
  @Order(6)
  void aRestoreNeverUndoesALaterWriteOrDeleteUnlessItsVersionsAreLeftOut() throws Exception {
    HttpResponse<Buffer> export =
        send(router.port(), HttpMethod.GET, "/admin/export", null).await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(200, export.statusCode());
    String[] lines = export.bodyAsString().split("\n");
    assertEquals(KEYS, lines.length);
    List<Integer> doomed = new ArrayList<>();
    List<Integer> changed = new ArrayList<>();
    for (int i = 0; i < KEYS; i += 100) doomed.add(i);
    for (int i = 50; i < KEYS; i += 100) changed.add(i);
    all(
            doomed,
            i ->
                send(router.port(), HttpMethod.DELETE, "/kv?key=" + encode(key(i)), null)
                    .map(HttpResponse::statusCode))
        .forEach(st -> assertEquals(200, st));
    all(
            changed,
            i ->
                send(
                        router.port(),
                        HttpMethod.PUT,
                        "/kv",
                        new JsonObject().put("key", key(i)).put("value", "later").encode())
                    .map(HttpResponse::statusCode))
        .forEach(st -> assertEquals(200, st));

    HttpResponse<Buffer> restored =
        send(router.port(), HttpMethod.POST, "/admin/import", export.bodyAsString())
            .await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(200, restored.statusCode(), restored.bodyAsString());
    assertEquals(KEYS, restored.bodyAsJsonObject().getLong("imported"));
    for (int i : doomed) {
      assertEquals(404, get(key(i)).statusCode(), "a delete after the backup stays: " + key(i));
    }
    for (int i : changed) {
      assertEquals(
          "later",
          get(key(i)).bodyAsJsonObject().getString("value"),
          "a write after the backup stays: " + key(i));
    }
    assertEquals(value(1), value(get(key(1))), "an untouched key keeps its value");

    // Restoring on purpose what was deleted: the lines without their versions are plain PUTs.
    java.util.Map<String, JsonObject> byKey = new java.util.HashMap<>();
    for (String l : lines) {
      JsonObject line = new JsonObject(l);
      byKey.put(line.getString("key"), line);
    }
    StringBuilder plain = new StringBuilder();
    for (int i : doomed) {
      JsonObject line = byKey.get(key(i));
      plain
          .append(
              new JsonObject()
                  .put("key", line.getString("key"))
                  .put("value", line.getValue("value"))
                  .encode())
          .append('\n');
    }
    HttpResponse<Buffer> undeleted =
        send(router.port(), HttpMethod.POST, "/admin/import", plain.toString())
            .await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(200, undeleted.statusCode(), undeleted.bodyAsString());
    for (int i : doomed) assertEquals(200, get(key(i)).statusCode(), key(i));

    HttpResponse<Buffer> bad =
        send(router.port(), HttpMethod.POST, "/admin/import", lines[0] + "\n{\"key\":\"\"}\n")
            .await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertTrue(
        bad.bodyAsJsonObject().getString("message").startsWith("line 2:"), bad.bodyAsString());
  }

  private HttpResponse<Buffer> get(String key) throws Exception {
    return send(router.port(), HttpMethod.GET, "/kv?key=" + encode(key), null)
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  /** Keys cover the awkward cases: spaces, '/', '?', '&', '+', '%' and characters beyond ASCII. */
  private static String key(int i) {
    return switch (i % 5) {
      case 0 -> "key-" + i;
      case 1 -> "user/" + i + "?x&y";
      case 2 -> "sp ace+" + i + "%";
      case 3 -> "ünï-" + i + "-🚀";
      default -> "k" + i;
    };
  }

  private static String value(int i) {
    return "{\"i\":" + i + "}";
  }

  private static String putBody(int i) {
    return new JsonObject().put("key", key(i)).put("value", new JsonObject().put("i", i)).encode();
  }

  private String value(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return "status " + response.statusCode() + ": " + response.bodyAsString();
    }
    return response.bodyAsJsonObject().getJsonObject("value").encode();
  }

  private long countOwnedBy(String id) {
    long n = 0;
    for (int i = 0; i < KEYS; i++) {
      if (ring.owner(key(i)).equals(id)) {
        n++;
      }
    }
    return n;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private Future<HttpResponse<Buffer>> send(int port, HttpMethod method, String uri, String body) {
    var request = client.request(method, port, "127.0.0.1", uri);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  /** Runs {@code call} for every key index, {@link #IN_FLIGHT} at a time; results in key order. */
  private <T> List<T> all(IntFunction<Future<T>> call) throws Exception {
    return all(IntStream.range(0, KEYS).boxed().toList(), call);
  }

  /** Runs {@code call} for each of {@code indexes}, {@link #IN_FLIGHT} at a time, in order. */
  private <T> List<T> all(List<Integer> indexes, IntFunction<Future<T>> call) throws Exception {
    List<T> results = new ArrayList<>(indexes.size());
    for (int from = 0; from < indexes.size(); from += IN_FLIGHT) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(indexes.size(), from + IN_FLIGHT); i++) {
        batch.add(call.apply(indexes.get(i)));
      }
      Future.all(batch).await(WAIT_S, TimeUnit.SECONDS);
      batch.forEach(f -> results.add(f.result()));
    }
    return results;
  }
}
