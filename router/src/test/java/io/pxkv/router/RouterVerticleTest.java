package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router against three {@link FakeNode}s on random ports. Tests block on futures with {@code
 * await} from the JUnit thread (never an event loop), which keeps each scenario a straight line.
 */
@ExtendWith(VertxExtension.class)
class RouterVerticleTest {
  private static final long WAIT_S = 20;

  private Vertx vertx;
  private final List<FakeNode> nodes = new ArrayList<>();
  private ClusterConfig cluster;
  private RunningRouter router;
  private WebClient client;

  @BeforeEach
  void startNodesAndRouter(Vertx vertx) throws Exception {
    this.vertx = vertx;
    nodes.addAll(FakeNode.startAll(vertx, 3));
    List<NodeInfo> infos = FakeNode.infos(nodes);
    cluster = new ClusterConfig(128, infos);
    startRouter(RouterConfig.of(cluster, 0).withInstances(2));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stopRouter() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void aPutIsStoredOnTheOwnerAndReadBackThroughTheRouter() throws Exception {
    HttpResponse<Buffer> put =
        send(HttpMethod.PUT, "/kv", "{\"key\":\"alpha\",\"value\":{\"n\":1.10}}");
    assertEquals(201, put.statusCode());
    String owner = ring().owner("alpha");
    for (FakeNode node : nodes) {
      assertEquals(node.id().equals(owner), node.data().containsKey("alpha"), node.id());
    }
    HttpResponse<Buffer> get = send(HttpMethod.GET, "/kv?key=alpha", null);
    assertEquals(200, get.statusCode());
    assertEquals("{\"key\":\"alpha\",\"value\":{\"n\":1.10},\"version\":1}", get.bodyAsString());
  }

  @Test
  void aGzippedPutBodyIsInflatedAndABombIs413() throws Exception {
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
      gz.write("{\"key\":\"zipped\",\"value\":[1,2,3]}".getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<Buffer> put =
        client
            .request(HttpMethod.PUT, router.port(), "127.0.0.1", "/kv")
            .putHeader("Content-Encoding", "gzip")
            .sendBuffer(Buffer.buffer(zipped.toByteArray()))
            .await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(201, put.statusCode(), put.bodyAsString());
    assertEquals("[1,2,3]", node(ring().owner("zipped")).data().get("zipped"));
    // 64 MiB of spaces in about 64 KiB: inflated past the body limit.
    java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bomb)) {
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) gz.write(spaces);
    }
    HttpResponse<Buffer> refused =
        client
            .request(HttpMethod.PUT, router.port(), "127.0.0.1", "/kv/bomb")
            .putHeader("Content-Encoding", "gzip")
            .sendBuffer(Buffer.buffer(bomb.toByteArray()))
            .await(WAIT_S, TimeUnit.SECONDS);
    assertError(refused, 413, "body_too_large");
  }

  @Test
  void theRequestReachesTheNodeAsTheClientSentIt() throws Exception {
    String body = "{ \"key\" : \"beta\", \"value\" : [1, 2] }";
    send(HttpMethod.PUT, "/kv", body, "application/json; charset=utf-8");
    FakeNode owner = node(ring().owner("beta"));
    FakeNode.Seen seen = owner.seen().get(owner.seen().size() - 1);
    assertEquals(HttpMethod.PUT, seen.method());
    assertEquals("/kv", seen.uri());
    assertEquals("application/json; charset=utf-8", seen.contentType());
    assertEquals(body, seen.body());
  }

  @Test
  void theNodesAnswerIsPassedBackUnchanged() throws Exception {
    String key = "teapot";
    FakeNode owner = node(ring().owner(key));
    owner.data().put(key, "\"x\"");
    HttpResponse<Buffer> missing = send(HttpMethod.GET, "/kv?key=nobody-has-this", null);
    assertEquals(404, missing.statusCode());
    assertEquals("not_found", missing.bodyAsJsonObject().getString("error"));
    assertEquals("application/json", missing.getHeader("Content-Type"));
    HttpResponse<Buffer> deleted = send(HttpMethod.DELETE, "/kv", "{\"key\":\"teapot\"}");
    assertEquals(200, deleted.statusCode());
    assertEquals("{\"key\":\"teapot\",\"deleted\":true}", deleted.bodyAsString());
    assertFalse(owner.data().containsKey(key));
  }

  @Test
  void pathStyleKeysArePercentDecodedToFindTheOwner() throws Exception {
    String key = "a/b c+🚀";
    String path =
        "/kv/"
            + URLEncoder.encode(key, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%2B", "+");
    assertEquals(201, send(HttpMethod.PUT, path, "[true,null]").statusCode());
    assertEquals("[true,null]", node(ring().owner(key)).data().get(key));
    HttpResponse<Buffer> get =
        send(HttpMethod.GET, "/kv?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8), null);
    assertEquals(200, get.statusCode());
    assertEquals(key, get.bodyAsJsonObject().getString("key"));
    assertEquals(200, send(HttpMethod.DELETE, path, null).statusCode());
    assertEquals(404, send(HttpMethod.GET, path, null).statusCode());
  }

  @Test
  void badInputIsRefusedWithTheNodesErrorWithoutAHop() throws Exception {
    assertError(send(HttpMethod.GET, "/kv?key=", null), 400, "invalid_key");
    assertError(send(HttpMethod.PUT, "/kv", "{\"key\":1,\"value\":2}"), 400, "invalid_key");
    assertError(send(HttpMethod.PUT, "/kv", "{\"key\":"), 400, "invalid_json");
    assertError(send(HttpMethod.PUT, "/kv", "{\"value\":1}"), 400, "invalid_key");
    assertError(send(HttpMethod.DELETE, "/kv", "[]"), 400, "invalid_json");
    assertError(send(HttpMethod.GET, "/kv/%zz", null), 400, "invalid_key");
    assertError(send(HttpMethod.GET, "/kv?key=" + "x".repeat(1025), null), 400, "invalid_key");
    String big = "{\"key\":\"k\",\"value\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";
    assertEquals(413, send(HttpMethod.PUT, "/kv", big).statusCode());
    for (FakeNode node : nodes) {
      assertEquals(List.of(), node.seen(), node.id());
    }
  }

  @Test
  void badValuesGetTheOwnersErrorUnchanged() throws Exception {
    assertError(send(HttpMethod.PUT, "/kv", "{\"key\":\"k\"}"), 400, "missing_value");
    assertError(send(HttpMethod.PUT, "/kv/k", "{oops"), 400, "invalid_json");
    assertEquals(2, node(ring().owner("k")).seen().size());
  }

  @Test
  void aDownNodeIsAFast503WhileOtherNodesKeepServing() throws Exception {
    FakeNode down = nodes.get(1);
    String downKey = keyOwnedBy(down.id());
    String upKey = keyOwnedBy("node-1");
    assertEquals(201, send(HttpMethod.PUT, "/kv/" + upKey, "1").statusCode());
    down.stop().await(WAIT_S, TimeUnit.SECONDS);
    long start = System.nanoTime();
    HttpResponse<Buffer> failed = send(HttpMethod.GET, "/kv?key=" + downKey, null);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertError(failed, 503, "node_unavailable");
    assertTrue(
        failed.bodyAsJsonObject().getString("message").contains("node-2"), failed.bodyAsString());
    assertTrue(tookMs < 1000, "took " + tookMs + " ms");
    assertEquals(200, send(HttpMethod.GET, "/kv/" + upKey, null).statusCode());
  }

  @Test
  void aNodeThatComesBackIsUsedAgainWithoutARestart() throws Exception {
    FakeNode node = nodes.get(2);
    String key = keyOwnedBy(node.id());
    int port = node.port();
    node.stop().await(WAIT_S, TimeUnit.SECONDS);
    assertError(send(HttpMethod.PUT, "/kv/" + key, "1"), 503, "node_unavailable");
    FakeNode back = new FakeNode(vertx, node.id()).start(port).await(WAIT_S, TimeUnit.SECONDS);
    nodes.set(2, back);
    assertEquals(201, send(HttpMethod.PUT, "/kv/" + key, "1").statusCode());
    assertEquals("1", back.data().get(key));
  }

  @Test
  void aNodeThatNeverAnswersIsA504AtTheDeadline() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    startRouter(RouterConfig.of(cluster, 0).withTimeoutMs(300));
    FakeNode silent = nodes.get(0);
    silent.hang(true);
    long start = System.nanoTime();
    HttpResponse<Buffer> late = send(HttpMethod.GET, "/kv?key=" + keyOwnedBy(silent.id()), null);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertError(late, 504, "upstream_timeout");
    assertTrue(tookMs >= 300 && tookMs < 3000, "took " + tookMs + " ms");
    assertEquals(404, send(HttpMethod.GET, "/kv?key=" + keyOwnedBy("node-2"), null).statusCode());
  }

  @Test
  void nodesOfAnotherClusterAreRefusedWithAnErrorNamingBothIds() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    List<NodeInfo> infos = new ArrayList<>();
    List<FakeNode> strangers = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      FakeNode n = new FakeNode(vertx, "node-" + i).start(0).await(WAIT_S, TimeUnit.SECONDS);
      n.belongTo("their-cluster");
      strangers.add(n);
      infos.add(NodeInfo.of(n.id(), "127.0.0.1", n.port()));
    }
    ClusterConfig ours = new ClusterConfig("our-cluster", 128, infos);
    startRouter(RouterConfig.of(ours, 0).withTimeoutMs(1000));
    JsonObject status = awaitProblem();
    String problem = status.getString("problem");
    assertTrue(problem.contains("our-cluster") && problem.contains("their-cluster"), problem);
    assertError(send(HttpMethod.PUT, "/kv/k", "1"), 503, "node_unavailable");
    for (FakeNode n : strangers) {
      assertEquals(List.of(), n.seen(), "nothing reached " + n.id());
      n.stop().await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  void nodesOfTwoClustersInOneFileAreRefused() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    nodes.get(0).belongTo("cluster-a");
    nodes.get(1).belongTo("cluster-b");
    startRouter(RouterConfig.of(cluster, 0).withTimeoutMs(1000));
    String problem = awaitProblem().getString("problem");
    assertTrue(problem.contains("cluster-a") && problem.contains("cluster-b"), problem);
  }

  private JsonObject awaitProblem() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (true) {
      JsonObject status = send(HttpMethod.GET, "/admin/rebalance", null).bodyAsJsonObject();
      if (status.getString("problem") != null) return status;
      assertTrue(System.nanoTime() < deadline, "no problem reported: " + status.encode());
      Thread.sleep(50);
    }
  }

  @Test
  void aNodeWithoutPutBatchesGetsThePutsOneByOne() throws Exception {
    // A FakeNode answers 404 to POST /internal/put-batch, as a node older than the router would.
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    startRouter(RouterConfig.of(cluster, 0).withInstances(1));
    FakeNode old = nodes.get(0);
    List<String> keys = keysOwnedBy(old.id(), 17);
    // The first PUT is answered late; the next eight gather behind it into one batch.
    old.delay(500);
    Future<HttpResponse<Buffer>> first = putAsync(keys.get(0), "0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (old.seen().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the first PUT never reached its owner");
      Thread.onSpinWait();
    }
    List<Future<HttpResponse<Buffer>>> gathered = new ArrayList<>();
    for (int i = 1; i <= 8; i++) gathered.add(putAsync(keys.get(i), String.valueOf(i)));
    old.delay(0);
    assertEquals(201, first.await(WAIT_S, TimeUnit.SECONDS).statusCode());
    for (var put : gathered) assertEquals(201, put.await(WAIT_S, TimeUnit.SECONDS).statusCode());
    // For a while after the refusal, PUTs go one by one without trying a batch first.
    List<Future<HttpResponse<Buffer>>> later = new ArrayList<>();
    for (int i = 9; i < keys.size(); i++) later.add(putAsync(keys.get(i), String.valueOf(i)));
    for (var put : later) assertEquals(201, put.await(WAIT_S, TimeUnit.SECONDS).statusCode());
    for (int i = 0; i < keys.size(); i++)
      assertEquals(String.valueOf(i), old.data().get(keys.get(i)));
    long batches = old.seen().stream().filter(r -> r.uri().equals("/internal/put-batch")).count();
    assertEquals(1, batches, "one batch was tried and refused; " + old.seen());
  }

  private Future<HttpResponse<Buffer>> putAsync(String key, String value) {
    return client
        .request(HttpMethod.PUT, router.port(), "127.0.0.1", "/kv/" + key)
        .sendBuffer(Buffer.buffer(value));
  }

  private List<String> keysOwnedBy(String id, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      if (ring().owner("key-" + i).equals(id)) keys.add("key-" + i);
    }
    return keys;
  }

  @Test
  void getKvStreamsOneObjectWithEveryPairOfEveryNode() throws Exception {
    int count = 300;
    for (int i = 0; i < count; i++) {
      String key = "key-" + i;
      node(ring().owner(key)).data().put(key, "{\"i\":" + i + "}");
    }
    HttpResponse<Buffer> all = send(HttpMethod.GET, "/kv", null);
    assertEquals(200, all.statusCode());
    assertEquals("application/json", all.getHeader("Content-Type"));
    JsonObject merged = all.bodyAsJsonObject();
    assertEquals(count, merged.size());
    for (int i = 0; i < count; i++) {
      assertEquals(i, merged.getJsonObject("key-" + i).getInteger("i"));
    }
  }

  @Test
  void getKvKeepsEveryByteOfMultiByteCharactersAcrossChunks() throws Exception {
    String text = "значение-🚀-".repeat(40);
    for (int i = 0; i < 300; i++) {
      String key = "ключ-" + i + "-ü";
      node(ring().owner(key)).data().put(key, "\"" + text + i + "\"");
    }
    JsonObject merged = send(HttpMethod.GET, "/kv", null).bodyAsJsonObject();
    assertEquals(300, merged.size());
    for (int i = 0; i < 300; i++) {
      assertEquals(text + i, merged.getString("ключ-" + i + "-ü"));
    }
  }

  @Test
  void getKvOfAnEmptyClusterIsAnEmptyObject() throws Exception {
    assertEquals("{}", send(HttpMethod.GET, "/kv", null).bodyAsString());
  }

  @Test
  void getKvWithOneEmptyNodeStillJoinsTheOthersCorrectly() throws Exception {
    nodes.get(0).data().put("a", "1");
    nodes.get(2).data().put("c", "3");
    assertEquals(
        new JsonObject("{\"a\":1,\"c\":3}"), send(HttpMethod.GET, "/kv", null).bodyAsJsonObject());
  }

  @Test
  void aListingCutMidStreamBreaksTheClientConnection() throws Exception {
    for (int i = 0; i < 200; i++) {
      nodes.get(i % 3).data().put("k" + i, "\"" + "v".repeat(100) + "\"");
    }
    nodes.get(2).breakListing(true);
    Throwable failure =
        client
            .get(router.port(), "127.0.0.1", "/kv")
            .send()
            .transform(ar -> Future.succeededFuture(ar.cause()))
            .await(WAIT_S, TimeUnit.SECONDS);
    assertNotNull(failure, "a cut listing must not arrive as a complete response");
  }

  /**
   * A client that hangs up while the router waits for a node's listing is routine: the router drops
   * the node's late answer, and nothing is logged as an error.
   */
  @Test
  void aClientThatLeavesBeforeTheListingArrivesLeavesNoErrorInTheLog() throws Exception {
    List<LogRecord> errors = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) errors.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger vertxLog = Logger.getLogger("io.vertx");
    vertxLog.addHandler(capture);
    try {
      // One event loop, so the call below runs on the loop that drops the node's answer.
      router.close().await(WAIT_S, TimeUnit.SECONDS);
      startRouter(RouterConfig.of(cluster, 0).withInstances(1));
      nodes.forEach(n -> n.delay(300));
      CompletableFuture<Object> dropped =
          CompletableFuture.anyOf(
              nodes.stream()
                  .map(FakeNode::listingConnectionClosed)
                  .toArray(CompletableFuture[]::new));
      try (Socket socket = new Socket("127.0.0.1", router.port())) {
        socket
            .getOutputStream()
            .write("GET /kv HTTP/1.1\r\nHost: router\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      } // gone before the first node answers
      dropped.get(WAIT_S, TimeUnit.SECONDS); // the router reset the node's late listing
      // The router's loop handled that reset before it reads this call, which it answers after.
      nodes.forEach(n -> n.delay(0));
      assertEquals(404, send(HttpMethod.GET, "/kv?key=absent", null).statusCode());
      assertTrue(errors.isEmpty(), () -> "logged: " + errors.get(0).getMessage());
    } finally {
      vertxLog.removeHandler(capture);
    }
  }

  @Test
  void aListingWhoseFirstNodeIsDownIsA503() throws Exception {
    nodes.get(0).stop().await(WAIT_S, TimeUnit.SECONDS);
    assertError(send(HttpMethod.GET, "/kv", null), 503, "node_unavailable");
  }

  @Test
  void pagingWalksEveryNodeAndListsEachKeyOnce() throws Exception {
    int count = 250;
    for (int i = 0; i < count; i++) {
      String key = String.format("user:%03d", i);
      node(ring().owner(key)).data().put(key, String.valueOf(i));
      nodes.get(i % 3).data().put("other:" + i, "0");
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      String uri = "/kv?prefix=user:&limit=7" + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<Buffer> page = send(HttpMethod.GET, uri, null);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      JsonObject body = page.bodyAsJsonObject();
      JsonArray items = body.getJsonArray("items");
      assertTrue(items.size() <= 7);
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        String key = item.getString("key");
        assertTrue(key.startsWith("user:"), key);
        assertTrue(seen.add(key), "listed twice: " + key);
        assertEquals(Integer.parseInt(key.substring(5)), item.getInteger("value"));
      }
      cursor = body.getString("cursor");
      pages++;
    } while (cursor != null && pages < 1000);
    assertEquals(count, seen.size());
    assertTrue(pages >= 36 && pages <= 38, "pages " + pages);
  }

  @Test
  void pagingWithoutParametersDefaultsToAHundredItems() throws Exception {
    for (int i = 0; i < 150; i++) {
      nodes.get(i % 3).data().put("k" + i, "1");
    }
    JsonObject first = send(HttpMethod.GET, "/kv?prefix=", null).bodyAsJsonObject();
    assertEquals(100, first.getJsonArray("items").size());
    JsonObject second =
        send(HttpMethod.GET, "/kv?cursor=" + first.getString("cursor"), null).bodyAsJsonObject();
    assertEquals(50, second.getJsonArray("items").size());
    assertNull(second.getString("cursor"));
  }

  @Test
  void badLimitsAndCursorsAre400() throws Exception {
    for (String limit : List.of("0", "1001", "-1", "ten", "")) {
      assertError(send(HttpMethod.GET, "/kv?limit=" + limit, null), 400, "invalid_limit");
    }
    String unknownNode = Cursors.encode("{\"n\":\"node-9\"}");
    for (String cursor : List.of("!!!", "bm90IGpzb24", unknownNode, Cursors.encode("[1]"))) {
      assertError(send(HttpMethod.GET, "/kv?cursor=" + cursor, null), 400, "invalid_cursor");
    }
  }

  @Test
  void unknownPathsAre404AndWrongMethods405AsJson() throws Exception {
    assertError(send(HttpMethod.GET, "/nope", null), 404, "not_found");
    assertError(send(HttpMethod.GET, "/", null), 404, "not_found");
    HttpResponse<Buffer> post = send(HttpMethod.POST, "/kv", "{}");
    assertError(post, 405, "method_not_allowed");
    assertEquals("GET, PUT, DELETE", post.getHeader("Allow"));
    assertError(send(HttpMethod.PATCH, "/kv/x", "1"), 405, "method_not_allowed");
    assertError(send(HttpMethod.DELETE, "/health", null), 405, "method_not_allowed");
  }

  @Test
  void healthIsOkWhenEveryNodeAnswersAnd503Otherwise() throws Exception {
    HttpResponse<Buffer> ok = send(HttpMethod.GET, "/health", null);
    assertEquals(200, ok.statusCode());
    assertEquals("ok", ok.bodyAsJsonObject().getString("status"));
    nodes.get(2).stop().await(WAIT_S, TimeUnit.SECONDS);
    HttpResponse<Buffer> bad = send(HttpMethod.GET, "/health", null);
    assertError(bad, 503, "unavailable");
    assertTrue(bad.bodyAsJsonObject().getString("message").contains("node-3"), bad.bodyAsString());
  }

  @Test
  void adminClusterShowsTheRingAndEachNodesState() throws Exception {
    nodes.get(0).data().put("x", "1");
    nodes.get(1).stop().await(WAIT_S, TimeUnit.SECONDS);
    JsonObject body = send(HttpMethod.GET, "/admin/cluster", null).bodyAsJsonObject();
    assertEquals(128, body.getInteger("virtualNodes"));
    JsonArray list = body.getJsonArray("nodes");
    assertEquals(3, list.size());
    double shares = 0;
    for (int i = 0; i < 3; i++) {
      shares += list.getJsonObject(i).getDouble("share");
    }
    assertEquals(1.0, shares, 1e-9);
    JsonObject first = list.getJsonObject(0);
    assertEquals("up", first.getString("state"));
    assertEquals(1, first.getInteger("keys"));
    assertEquals(0.5, first.getDouble("cacheHitRatio"));
    JsonObject second = list.getJsonObject(1);
    assertEquals("down", second.getString("state"));
    assertTrue(second.getString("lastError").contains("node-2"), second.encode());
  }

  private void startRouter(RouterConfig config) throws Exception {
    router = RunningRouter.start(vertx, config).await(WAIT_S, TimeUnit.SECONDS);
  }

  private ConsistentHashRing ring() {
    return cluster.ring();
  }

  private FakeNode node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
  }

  private String keyOwnedBy(String id) {
    return keysOwnedBy(id, 1).get(0);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String uri, String body) throws Exception {
    return send(method, uri, body, null);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String uri, String body, String contentType)
      throws Exception {
    var request = client.request(method, router.port(), "127.0.0.1", uri);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    Future<HttpResponse<Buffer>> response =
        body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    return response.await(WAIT_S, TimeUnit.SECONDS);
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/json", response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), body.encode());
    assertTrue(body.getString("message").length() > 5, body.encode());
  }
}
