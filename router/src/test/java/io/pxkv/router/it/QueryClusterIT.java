package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.testing.Await;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.node.storage.SyncMode;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Value-index queries through a real router over real nodes (in-process {@link NodeServer}s, each
 * on a Vert.x of its own), checked against a model (a sorted map scanned by brute force): seeded
 * random writes and deletes, then random range, equality and prefix queries paged with random
 * limits (pages straddle nodes), nearest-neighbour queries, bad input, queries while a third node
 * joins and keys move, and an index added to the running cluster (503 index_building, then the
 * back-filled answers).
 */
class QueryClusterIT {
  private static final int KEYS = 1500;
  private static final long DEADLINE_MS = 120_000;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final Map<String, NodeServer> nodes = new LinkedHashMap<>();
  private final TreeMap<String, JsonObject> model = new TreeMap<>(KeyOrder.UTF8);
  private RunningRouter router;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static final JsonArray INDEXES =
      new JsonArray()
          .add(new JsonObject().put("name", "price").put("path", "/price").put("type", "number"))
          .add(new JsonObject().put("name", "tag").put("path", "/tag").put("type", "string"))
          .add(
              new JsonObject()
                  .put("name", "emb")
                  .put("path", "/emb")
                  .put("type", "vector")
                  .put("dims", 4)
                  .put("metric", "l2"));

  @AfterEach
  void stopEverything() throws Exception {
    if (router != null) router.close().await(60, TimeUnit.SECONDS);
    for (NodeServer n : nodes.values()) n.close().await(60, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(60, TimeUnit.SECONDS);
  }

  @Test
  void queriesThroughTheRouterMatchAModelAlsoWhileKeysMoveAndWhenAnIndexIsAdded(@TempDir Path root)
      throws Exception {
    for (String id : List.of("node-1", "node-2", "node-3")) startNode(id, root.resolve(id));
    Path clusterFile = root.resolve("cluster.json");
    writeCluster(clusterFile, INDEXES, "node-1", "node-2");
    Vertx routerVertx = Vertx.vertx();
    vertxes.add(routerVertx);
    router =
        RunningRouter.start(routerVertx, routerConfig(clusterFile)).await(60, TimeUnit.SECONDS);

    Random random = new Random(4242);
    load(random);
    checkQueries(random, 60);
    badInputIsA400();

    writeCluster(clusterFile, INDEXES, "node-1", "node-2", "node-3");
    Await.until("the move to start", Duration.ofSeconds(60), () -> !phase().equals("done"));
    int duringMove = 0;
    while (!settled()) {
      checkQueries(random, 3);
      duringMove++;
    }
    System.out.println("QueryClusterIT: " + duringMove + " query rounds while keys moved");
    checkQueries(random, 30);

    JsonArray more = INDEXES.copy();
    more.add(new JsonObject().put("name", "rank").put("path", "/rank").put("type", "number"));
    writeCluster(clusterFile, more, "node-1", "node-2", "node-3");
    Await.until(
        "the new index to be known",
        Duration.ofSeconds(60),
        () -> send("/query?index=rank").statusCode() != 400);
    Await.until(
        "the new index to be built",
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<String> r = send("/query?index=rank&limit=1");
          if (r.statusCode() == 503) {
            assertEquals("index_building", new JsonObject(r.body()).getString("error"));
          }
          return r.statusCode() == 200;
        });
    JsonArray built = new JsonObject(send("/admin/cluster").body()).getJsonArray("indexes");
    JsonObject rank = built.getJsonObject(3);
    assertEquals("rank", rank.getString("name"));
    assertEquals("ready", rank.getString("state"), built.encode());
    assertEquals(model.size(), rank.getLong("entries"), "every key has a rank");
    List<String> ranked = pageAll("/query?index=rank&min=10&max=20", 7);
    assertEquals(expectedRange("/rank", 10.0, 20.0), ranked);
  }

  // ---- the model

  private void load(Random random) throws Exception {
    Semaphore slots = new Semaphore(16);
    List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "k" + random.nextInt(KEYS * 2) + (random.nextInt(7) == 0 ? "/ü" : "");
      JsonObject value = randomValue(random);
      model.put(key, value);
      slots.acquire();
      puts.add(
          http.sendAsync(
                  request(
                          "/kv/"
                              + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"))
                      .PUT(HttpRequest.BodyPublishers.ofString(value.encode()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release()));
      // Keys repeat: wait for this one so the writes of a key stay in order.
      puts.get(puts.size() - 1).get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }
    List<String> keys = new ArrayList<>(model.keySet());
    for (int i = 0; i < KEYS / 10; i++) {
      String key = keys.get(random.nextInt(keys.size()));
      if (model.remove(key) == null) continue;
      HttpResponse<String> r =
          http.send(
              request("/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"))
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    for (CompletableFuture<HttpResponse<String>> put : puts) {
      int status = put.get(DEADLINE_MS, TimeUnit.MILLISECONDS).statusCode();
      assertTrue(status == 200 || status == 201, "PUT: " + status);
    }
  }

  private static JsonObject randomValue(Random random) {
    JsonObject value = new JsonObject().put("rank", random.nextInt(50));
    int shape = random.nextInt(8);
    if (shape == 0) value.put("price", "n/a");
    else if (shape > 1) value.put("price", (random.nextInt(4000) - 1000) / 8.0);
    if (random.nextInt(4) != 0) {
      value.put("tag", "t" + (char) ('a' + random.nextInt(5)) + random.nextInt(30) + "é");
    }
    if (random.nextInt(3) != 0) {
      JsonArray v = new JsonArray();
      for (int i = 0; i < 4; i++) v.add(random.nextInt(2001) - 1000);
      value.put("emb", v);
    }
    return value;
  }

  private void checkQueries(Random random, int rounds) {
    for (int q = 0; q < rounds; q++) {
      int limit = 1 + random.nextInt(random.nextBoolean() ? 20 : 400);
      if (random.nextBoolean()) {
        double a = (random.nextInt(4400) - 1200) / 8.0;
        double b = (random.nextInt(4400) - 1200) / 8.0;
        double min = Math.min(a, b);
        double max = Math.max(a, b);
        String uri = "/query?index=price&min=" + min + "&max=" + max;
        assertKeys(expectedRange("/price", min, max), pageAll(uri, limit), uri + " by " + limit);
      } else {
        boolean eq = random.nextInt(3) == 0;
        String s = "t" + (char) ('a' + random.nextInt(5)) + (eq ? random.nextInt(30) + "é" : "");
        String uri =
            "/query?index=tag&"
                + (eq ? "eq=" : "prefix=")
                + URLEncoder.encode(s, StandardCharsets.UTF_8);
        assertKeys(expectedStrings(s, eq), pageAll(uri, limit), uri + " by " + limit);
      }
      checkNearest(random);
      checkMatch(random, limit);
    }
  }

  /**
   * {@code actual} is {@code expected}; if not, the failure also says, for each key missing or
   * extra, what a GET through the router and a read on each node find, and each node's indexes.
   */
  private void assertKeys(List<String> expected, List<String> actual, String what) {
    if (expected.equals(actual)) return;
    StringBuilder why = new StringBuilder(what);
    java.util.Set<String> odd = new java.util.TreeSet<>(expected);
    odd.removeAll(actual);
    java.util.Set<String> extra = new java.util.TreeSet<>(actual);
    extra.removeAll(expected);
    odd.addAll(extra);
    for (String key : odd) {
      String k = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
      why.append("\n  ").append(extra.contains(key) ? "extra " : "missing ").append(key);
      HttpResponse<String> r = send("/kv/" + k);
      why.append(": router GET ").append(r.statusCode());
      for (Map.Entry<String, NodeServer> n : nodes.entrySet()) {
        HttpResponse<String> read = sendTo(n.getValue().port(), "/internal/read?key=" + k);
        why.append("; ").append(n.getKey()).append(' ').append(read.statusCode()).append(' ');
        why.append(read.body(), 0, Math.min(160, read.body().length()));
      }
    }
    for (Map.Entry<String, NodeServer> n : nodes.entrySet()) {
      HttpResponse<String> stats = sendTo(n.getValue().port(), "/admin/stats");
      Object indexes =
          stats.statusCode() == 200 ? new JsonObject(stats.body()).getValue("indexes") : null;
      why.append("\n  ").append(n.getKey()).append(" indexes ").append(indexes);
    }
    why.append("\n  router ").append(send("/admin/rebalance").body());
    assertEquals(expected, actual, why.toString());
  }

  private HttpResponse<String> sendTo(int port, String uri) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + uri))
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build());
  }

  /** A glob listing (filtered on the nodes) against the model's keys. */
  private void checkMatch(Random random, int limit) {
    int d = random.nextInt(10);
    boolean set = random.nextBoolean();
    String glob = "k" + d + "*" + (set ? "[0-4]" : "");
    List<String> expected =
        model.keySet().stream()
            .filter(
                k ->
                    k.startsWith("k" + d)
                        && (!set
                            || (k.length() > 2 && "01234".indexOf(k.charAt(k.length() - 1)) >= 0)))
            .toList();
    List<String> keys = new ArrayList<>();
    String cursor = null;
    do {
      String u =
          "/kv?match="
              + URLEncoder.encode(glob, StandardCharsets.UTF_8)
              + "&limit="
              + limit
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> r = send(u);
      assertEquals(200, r.statusCode(), u + ": " + r.body());
      JsonObject page = new JsonObject(r.body());
      JsonArray items = page.getJsonArray("items");
      for (int i = 0; i < items.size(); i++) keys.add(items.getJsonObject(i).getString("key"));
      cursor = page.getString("cursor");
    } while (cursor != null);
    assertKeys(expected, keys, "match " + glob + " by " + limit);
  }

  /** Every key of a paged query, following the cursors; each page's values checked. */
  private List<String> pageAll(String uri, int limit) {
    List<String> keys = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String u =
          uri
              + "&limit="
              + limit
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> r = send(u);
      assertEquals(200, r.statusCode(), u + ": " + r.body());
      JsonObject page = new JsonObject(r.body());
      JsonArray items = page.getJsonArray("items");
      assertTrue(items.size() <= limit, "a page of " + items.size() + " for limit " + limit);
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        String key = item.getString("key");
        assertEquals(model.get(key), item.getJsonObject("value"), "value of " + key);
        keys.add(key);
      }
      cursor = page.getString("cursor");
      assertTrue(++pages < 10_000, "pages never end");
    } while (cursor != null);
    return keys;
  }

  private List<String> expectedRange(String field, double min, double max) {
    List<Map.Entry<String, Double>> hits = new ArrayList<>();
    model.forEach(
        (k, v) -> {
          if (v.getValue(field.substring(1)) instanceof Number n) {
            double d = n.doubleValue();
            if (d >= min && d <= max) hits.add(Map.entry(k, d));
          }
        });
    hits.sort(
        Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
            .thenComparing(Map.Entry::getKey, KeyOrder.UTF8));
    return hits.stream().map(Map.Entry::getKey).toList();
  }

  private List<String> expectedStrings(String s, boolean eq) {
    List<Map.Entry<String, String>> hits = new ArrayList<>();
    model.forEach(
        (k, v) -> {
          if (v.getValue("tag") instanceof String t && (eq ? t.equals(s) : t.startsWith(s))) {
            hits.add(Map.entry(k, t));
          }
        });
    hits.sort(
        Comparator.<Map.Entry<String, String>, String>comparing(Map.Entry::getValue, KeyOrder.UTF8)
            .thenComparing(Map.Entry::getKey, KeyOrder.UTF8));
    return hits.stream().map(Map.Entry::getKey).toList();
  }

  private void checkNearest(Random random) {
    JsonArray q = new JsonArray();
    float[] query = new float[4];
    for (int i = 0; i < 4; i++) {
      query[i] = random.nextInt(2001) - 1000;
      q.add(query[i]);
    }
    int k = 1 + random.nextInt(30);
    HttpResponse<String> r =
        post("/query/knn", new JsonObject().put("index", "emb").put("vector", q).put("k", k));
    assertEquals(200, r.statusCode(), r.body());
    JsonArray items = new JsonObject(r.body()).getJsonArray("items");
    List<Double> expected = new ArrayList<>();
    model.forEach(
        (key, v) -> {
          if (v.getValue("emb") instanceof JsonArray e) expected.add(distance(query, e));
        });
    expected.sort(Comparator.naturalOrder());
    assertEquals(Math.min(k, expected.size()), items.size(), "k=" + k);
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      JsonObject value = model.get(item.getString("key"));
      assertEquals(value, item.getJsonObject("value"));
      double d = distance(query, value.getJsonArray("emb"));
      assertEquals(expected.get(i), d, 1e-3 * Math.max(1, d), "distance of hit " + i);
      assertEquals(d, item.getDouble("score"), 1e-3 * Math.max(1, d), "score of hit " + i);
    }
  }

  private static double distance(float[] q, JsonArray v) {
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      double d = q[i] - v.getDouble(i);
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  private void badInputIsA400() {
    for (String uri :
        List.of(
            "/query?index=nope",
            "/query",
            "/query?index=price&min=5&max=1",
            "/query?index=price&min=NaN",
            "/query?index=price&max=Infinity",
            "/query?index=price&min=1e999",
            "/query?index=price&eq=x",
            "/query?index=tag&min=1",
            "/query?index=emb",
            "/query?index=price&cursor=garbage",
            "/query?index=price&limit=0",
            "/query?index=price&limit=1001")) {
      HttpResponse<String> r = send(uri);
      assertEquals(400, r.statusCode(), uri + ": " + r.body());
      assertTrue(new JsonObject(r.body()).containsKey("error"), uri);
    }
    String otherCursor =
        new JsonObject(send("/query?index=price&min=0&max=100&limit=1").body()).getString("cursor");
    HttpResponse<String> wrong =
        send(
            "/query?index=price&min=0&max=99&cursor="
                + URLEncoder.encode(otherCursor, StandardCharsets.UTF_8));
    assertEquals(400, wrong.statusCode(), "a cursor of another query: " + wrong.body());
    JsonArray three = new JsonArray().add(1).add(2).add(3);
    for (JsonObject body :
        List.of(
            new JsonObject().put("index", "emb").put("vector", three),
            new JsonObject().put("index", "emb").put("vector", three.copy().add(4)).put("k", 0),
            new JsonObject().put("index", "emb").put("vector", three.copy().add(4)).put("k", 1001),
            new JsonObject().put("index", "emb").put("vector", "not a vector"),
            new JsonObject().put("index", "price").put("vector", three.copy().add(4)),
            new JsonObject().put("index", "nope").put("vector", three.copy().add(4)),
            new JsonObject().put("vector", three.copy().add(4)))) {
      HttpResponse<String> r = post("/query/knn", body);
      assertEquals(400, r.statusCode(), body + ": " + r.body());
    }
    HttpResponse<String> notJson = postRaw("/query/knn", "[1,2");
    assertEquals(400, notJson.statusCode(), notJson.body());
    HttpResponse<String> shortVector =
        send(
            request("/kv/badvec")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"emb\":[1,2,3]}"))
                .build());
    assertEquals(
        400, shortVector.statusCode(), "a vector of the wrong length: " + shortVector.body());
  }

  // ---- the cluster

  private void startNode(String id, Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    NodeConfig defaults = NodeConfig.forTest(id, dir);
    NodeConfig config =
        defaults.withStorage(defaults.storage().withSyncMode(SyncMode.NEVER).withCacheBytes(0));
    nodes.put(id, NodeServer.start(vertx, config).await(60, TimeUnit.SECONDS));
  }

  private void writeCluster(Path file, JsonArray indexes, String... ids) throws IOException {
    JsonArray list = new JsonArray();
    for (String id : ids) {
      list.add(
          new JsonObject().put("id", id).put("url", "http://127.0.0.1:" + nodes.get(id).port()));
    }
    String json =
        new JsonObject()
            .put("virtualNodes", 128)
            .put("replicas", 1)
            .put("nodes", list)
            .put("indexes", indexes)
            .encodePrettily();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, json);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static RouterConfig routerConfig(Path clusterFile) {
    return RouterConfig.builder()
        .cluster(ClusterConfig.load(clusterFile), clusterFile.toString())
        .timeoutMs(30_000)
        .instances(2)
        .rebalanceKeysPerSecond(150, 150)
        .build();
  }

  private String phase() {
    return new JsonObject(send("/admin/rebalance").body()).getString("phase");
  }

  private boolean settled() {
    JsonObject status = new JsonObject(send("/admin/rebalance").body());
    return status.getString("phase").equals("done") && status.getJsonArray("holders").size() == 3;
  }

  // ---- HTTP

  private HttpRequest.Builder request(String uri) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + uri))
        .timeout(Duration.ofSeconds(60));
  }

  private HttpResponse<String> send(String uri) {
    return send(request(uri).GET().build());
  }

  private HttpResponse<String> post(String uri, JsonObject body) {
    return postRaw(uri, body.encode());
  }

  private HttpResponse<String> postRaw(String uri, String body) {
    return send(
        request(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
