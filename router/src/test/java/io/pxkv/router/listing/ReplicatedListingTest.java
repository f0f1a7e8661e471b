package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.Replication;
import io.pxkv.common.testing.Await;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings, pages, exports, range and nearest-neighbour queries, and restores through the router of
 * a replicated cluster (3 real nodes in this JVM, N=3, W=2, R=2, anti-entropy off), with one
 * replica stale: node-3 missed later writes and deletes of some keys, as a replica does whose hints
 * were lost with their stand-in's disk (anti-entropy would repair it; it is off here so the
 * staleness stays). In order: every key once at its newest version, deleted keys absent, in every
 * read that spans nodes; the same with node-1 (an up-to-date replica) down, since each replica set
 * still has R live members; 503 once node-2 is down too; a restore writes every replica.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedListingTest {
  private static final int KEYS = 60;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<NodeServer> nodes = new ArrayList<>();
  private Vertx routerVertx;
  private RunningRouter router;

  /** What every read through the router must show: each live key's value, in key order. */
  private final Map<String, JsonObject> expected = new TreeMap<>();

  private static String key(int i) {
    return String.format("k-%02d", i);
  }

  /** Key i's first value; an update puts {@code n} and {@code v} far away. */
  private static JsonObject value(int n) {
    return new JsonObject().put("n", n).put("v", new JsonArray().add(n).add(0));
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      NodeServer node =
          NodeServer.start(vertx, NodeConfig.forTest("node-" + i, dir.resolve("node-" + i)))
              .await(30, TimeUnit.SECONDS);
      nodes.add(node);
      infos.add(NodeInfo.of("node-" + i, "127.0.0.1", node.port()));
    }
    List<IndexSpec> indexes =
        List.of(
            new IndexSpec("n", "/n", IndexSpec.Type.NUMBER, 0, null),
            new IndexSpec("v", "/v", IndexSpec.Type.VECTOR, 2, IndexSpec.Metric.L2));
    ClusterConfig cluster = new ClusterConfig(null, 64, infos, indexes, new Replication(3, 2, 2));
    routerVertx = Vertx.vertx();
    router =
        RunningRouter.start(
                routerVertx,
                RouterConfig.of(cluster, 0).toBuilder()
                    .instances(1)
                    .antiEntropyKeysPerSecond(0)
                    .build())
            .await(30, TimeUnit.SECONDS);
    Await.until("the router serving", Duration.ofSeconds(30), () -> status("/health") == 200);
    Map<String, Long> versions = new LinkedHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      HttpResponse<String> put = call(router.port(), "PUT", "/kv/" + key(i), value(i).encode());
      assertEquals(201, put.statusCode(), put.body());
      versions.put(key(i), new JsonObject(put.body()).getLong("version"));
      expected.put(key(i), value(i));
    }
    // node-1 and node-2 take later writes and deletes that node-3 never gets.
    StringBuilder later = new StringBuilder();
    for (int i = 0; i < KEYS; i++) {
      long newer = versions.get(key(i)) + 1;
      if (i % 5 == 1) {
        later.append(line(key(i), value(1000 + i), newer));
        expected.put(key(i), value(1000 + i));
      } else if (i % 5 == 2) {
        later.append(
            new JsonObject()
                    .put("key", key(i))
                    .put("deleted", true)
                    .put("version", newer)
                    .put("writer", 1)
                    .encode()
                + "\n");
        expected.remove(key(i));
      }
    }
    for (int n = 0; n < 2; n++) {
      HttpResponse<String> r = call(nodes.get(n).port(), "POST", "/admin/import", later.toString());
      assertEquals(200, r.statusCode(), r.body());
    }
    // Each PUT was answered at W=2: node-3 may take its copy a moment later.
    Await.until(
        "node-3 holding a key deleted on the others",
        Duration.ofSeconds(10),
        () -> {
          try {
            return call(nodes.get(2).port(), "GET", "/kv/" + key(2), null).statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
    Await.until(
        "the indexes built", Duration.ofSeconds(30), () -> status("/query?index=n&min=0") == 200);
  }

  private static String line(String key, JsonObject value, long version) {
    return new JsonObject()
            .put("key", key)
            .put("value", value)
            .put("version", version)
            .put("writer", 1)
            .encode()
        + "\n";
  }

  @AfterAll
  void stop() throws Exception {
    if (routerVertx != null) routerVertx.close().await(30, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(int port, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return call(router.port(), "GET", path, null);
  }

  private int status(String path) {
    try {
      return get(path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The expected pairs whose keys {@code keep} admits, in key order. */
  private Map<String, JsonObject> expected(java.util.function.Predicate<String> keep) {
    Map<String, JsonObject> out = new TreeMap<>();
    expected.forEach(
        (k, v) -> {
          if (keep.test(k)) out.put(k, v);
        });
    return out;
  }

  /** Every page of {@code path} (a {@code GET /kv} with paging parameters), joined. */
  private Map<String, JsonObject> pages(String path) throws Exception {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    String cursor = null;
    do {
      HttpResponse<String> r = get(path + (cursor == null ? "" : "&cursor=" + q(cursor)));
      assertEquals(200, r.statusCode(), path + " " + r.body());
      JsonObject page = new JsonObject(r.body());
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        String key = item.getString("key");
        assertTrue(out.put(key, item.getJsonObject("value")) == null, "listed twice: " + key);
      }
      cursor = page.getString("cursor");
    } while (cursor != null);
    return out;
  }

  /**
   * Every read that spans the nodes shows {@link #expected}: each key once, newest, none deleted.
   */
  private void everyListingShowsTheNewestOfEachKey() throws Exception {
    HttpResponse<String> all = get("/kv");
    assertEquals(200, all.statusCode(), all.body());
    JsonObject listed = new JsonObject(all.body());
    Map<String, JsonObject> merged = new TreeMap<>();
    for (String k : listed.fieldNames()) merged.put(k, listed.getJsonObject(k));
    assertEquals(expected, merged);

    assertEquals(expected, new TreeMap<>(pages("/kv?limit=7")));
    assertEquals(
        expected(k -> k.startsWith("k-1")), new TreeMap<>(pages("/kv?prefix=k-1&limit=3")));
    assertEquals(
        expected(k -> k.compareTo("k-11") >= 0 && k.compareTo("k-37") < 0),
        new TreeMap<>(pages("/kv?start=k-11&end=k-37&limit=4")));
    assertEquals(
        expected(k -> k.startsWith("k-") && k.endsWith("1")),
        new TreeMap<>(pages("/kv?match=k-*1&limit=5")));

    HttpResponse<String> export = get("/admin/export");
    assertEquals(200, export.statusCode(), export.body());
    Map<String, JsonObject> exported = new TreeMap<>();
    for (String l : export.body().split("\n")) {
      if (l.isBlank()) continue;
      JsonObject line = new JsonObject(l);
      assertTrue(
          exported.put(line.getString("key"), line.getJsonObject("value")) == null,
          "exported twice: " + l);
    }
    assertEquals(expected, exported);

    // Range query pages: n in 0..100 holds only the keys never updated or deleted.
    Map<String, JsonObject> queried = new LinkedHashMap<>();
    String cursor = null;
    do {
      HttpResponse<String> r =
          get(
              "/query?index=n&min=0&max=100&limit=7"
                  + (cursor == null ? "" : "&cursor=" + q(cursor)));
      assertEquals(200, r.statusCode(), r.body());
      JsonObject page = new JsonObject(r.body());
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        assertTrue(
            queried.put(item.getString("key"), item.getJsonObject("value")) == null,
            "queried twice: " + item);
      }
      cursor = page.getString("cursor");
    } while (cursor != null);
    assertEquals(
        expected(k -> expected.get(k).getInteger("n", 1000) <= 100), new TreeMap<>(queried));

    // Nearest [2,0]: k-02 was deleted and k-01 moved away; k-03, then k-00 and k-04 remain.
    HttpResponse<String> knn =
        call(router.port(), "POST", "/query/knn", "{\"index\":\"v\",\"vector\":[2,0],\"k\":3}");
    assertEquals(200, knn.statusCode(), knn.body());
    List<String> nearest = new ArrayList<>();
    for (Object o : new JsonObject(knn.body()).getJsonArray("items")) {
      nearest.add(((JsonObject) o).getString("key"));
    }
    assertEquals(List.of("k-03", "k-00", "k-04"), nearest, knn.body());
  }

  @Test
  @Order(1)
  void withAStaleReplicaEveryListingPageExportAndQueryGivesEachKeyOnceAtItsNewest()
      throws Exception {
    everyListingShowsTheNewestOfEachKey();
  }

  @Test
  @Order(2)
  void aRestoreThroughTheRouterWritesEveryReplica() throws Exception {
    String backup =
        line("r-versioned", new JsonObject().put("x", 1), 5)
            + new JsonObject()
                .put("key", "r-plain")
                .put("value", new JsonObject().put("y", 2))
                .encode()
            + "\n";
    HttpResponse<String> r = call(router.port(), "POST", "/admin/import", backup);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(2, new JsonObject(r.body()).getInteger("imported"), r.body());
    // Answered once W=2 replicas have each line; the third gets it in the same moment, or soon.
    for (NodeServer node : nodes) {
      for (String key : List.of("r-versioned", "r-plain")) {
        Await.until(
            "node on port " + node.port() + " holding " + key,
            Duration.ofSeconds(10),
            () -> {
              try {
                return call(node.port(), "GET", "/kv/" + key, null).statusCode() == 200;
              } catch (Exception e) {
                return false;
              }
            });
      }
    }
    expected.put("r-versioned", new JsonObject().put("x", 1));
    expected.put("r-plain", new JsonObject().put("y", 2));
    everyListingShowsTheNewestOfEachKey();
  }

  @Test
  @Order(3)
  void withAnUpToDateReplicaDownTheOthersStillGiveEachKeyAtItsNewest() throws Exception {
    nodes.get(0).close().await(30, TimeUnit.SECONDS);
    everyListingShowsTheNewestOfEachKey();
  }

  @Test
  @Order(4)
  void withTwoOfThreeReplicasDownListingsAndQueriesAnswer503() throws Exception {
    nodes.get(1).close().await(30, TimeUnit.SECONDS);
    for (String path :
        List.of("/kv", "/kv?limit=5", "/admin/export", "/query?index=n&min=0&max=100")) {
      HttpResponse<String> r = get(path);
      assertEquals(503, r.statusCode(), path + " " + r.body());
      assertTrue(r.body().startsWith("{\"error\":"), path + " " + r.body());
    }
  }
}
