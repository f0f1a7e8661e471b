package io.pxkv.router.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real router in front of two real nodes, each on a measured Vert.x of its own (as each runs in
 * its own process), some traffic through the router, then {@code GET /metrics} of each: the scrapes
 * are valid Prometheus text (Prometheus' own parser, {@code promtool check metrics}) and hold the
 * expected series with the values the traffic implies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsScrapeTest {
  private static final int KEYS = 40;
  private static final int MISSING = 5;
  // Holds about a dozen of the values below (one may take at most an eighth of it).
  private static final long CACHE_BYTES = 8192;
  private static final String VALUE = "\"" + "v".repeat(600) + "\"";

  // HTTP/1.1 as the servers speak it; the JDK client's default asks to upgrade to HTTP/2.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<NodeServer> nodes = new ArrayList<>();
  private ClusterConfig cluster;
  private RunningRouter router;
  private String routerUrl;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String id = "node-" + i;
      NodeConfig base = NodeConfig.forTest(id, dir.resolve(id));
      // A cache of a few values, so that reads both hit and miss it and it evicts; values stored
      // as given (not deflated), so the disk holds at least their bytes.
      NodeConfig config =
          new NodeConfig(
              id,
              "127.0.0.1",
              0,
              base.storage()
                  .withCacheBytes(CACHE_BYTES)
                  .withCoding(io.pxkv.node.storage.ValueCoding.PLAIN),
              base.limits(),
              1);
      Vertx vertx = ProcessMetrics.vertx(new VertxOptions(), true);
      vertxes.add(vertx);
      NodeServer node = NodeServer.start(vertx, config).await(30, TimeUnit.SECONDS);
      nodes.add(node);
      infos.add(NodeInfo.of(id, "127.0.0.1", node.port()));
    }
    cluster = new ClusterConfig(128, infos);
    Vertx vertx = ProcessMetrics.vertx(new VertxOptions(), true);
    vertxes.add(vertx);
    router =
        RunningRouter.start(vertx, RouterConfig.of(cluster, 0).withInstances(2))
            .await(30, TimeUnit.SECONDS);
    routerUrl = "http://127.0.0.1:" + router.port();
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) router.close().await(30, TimeUnit.SECONDS);
    for (NodeServer n : nodes) n.close().await(30, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void scrapesHoldTheTrafficTheyMeasured() throws Exception {
    for (int i = 0; i < KEYS; i++) assertEquals(201, send("PUT", "/kv/k" + i, VALUE).statusCode());
    // Each key twice in a row: the first read may miss the small cache, the second hits it.
    for (int i = 0; i < KEYS; i++) {
      for (int twice = 0; twice < 2; twice++) {
        assertEquals(200, send("GET", "/kv/k" + i, null).statusCode());
      }
    }
    for (int i = 0; i < MISSING; i++) {
      assertEquals(404, send("GET", "/kv?key=absent" + i, null).statusCode());
    }
    assertEquals(200, send("GET", "/kv?prefix=k&limit=10", null).statusCode());
    String node1 = "http://127.0.0.1:" + nodes.get(0).port();
    assertEquals(200, send("POST", node1 + "/admin/compact", null).statusCode());

    HttpResponse<String> scrape = send("GET", "/metrics", null);
    assertEquals(200, scrape.statusCode());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        scrape.headers().firstValue("Content-Type").orElse(null));
    Samples router = Samples.parse(scrape.body());
    String requests = "pxkv_http_server_requests_seconds_count";
    assertEquals(KEYS, router.value(requests, "route", "kv_key", "method", "PUT", "status", "201"));
    assertEquals(
        2 * KEYS, router.value(requests, "route", "kv_key", "method", "GET", "status", "200"));
    assertEquals(
        MISSING, router.value(requests, "route", "kv_key", "method", "GET", "status", "404"));
    assertEquals(1, router.value(requests, "route", "kv_page", "method", "GET", "status", "200"));
    histogramsAreConsistent(router, "pxkv_http_server_requests_seconds");
    histogramsAreConsistent(router, "pxkv_router_node_call_seconds");
    // Every key GET and every 404 is one call to its node; PUTs go one by one or in batches.
    double calls = router.sum("pxkv_router_node_call_seconds_count");
    assertTrue(calls >= 2 * KEYS + MISSING && calls <= 3 * KEYS + MISSING + 20, "calls " + calls);
    for (NodeInfo n : cluster.nodes()) {
      assertTrue(router.value("pxkv_router_node_call_seconds_count", "node", n.id()) > 0);
      assertEquals(0, router.sum("pxkv_router_node_call_errors_total", "node", n.id()));
    }
    assertEquals(1, router.value("pxkv_router_move_phase", "phase", "done"));
    assertEquals(0, router.value("pxkv_router_move_phase", "phase", "moving"));
    assertTrue(router.value("pxkv_router_view_epoch") >= 1);
    // The process part: the JVM and the router's connections to its nodes, from vertx-micrometer.
    assertTrue(router.sum("jvm_memory_used_bytes") > 0);
    assertTrue(router.sum("vertx_net_client_active_connections") >= 1);

    ConsistentHashRing ring = cluster.ring();
    long totalKeys = 0;
    for (int i = 0; i < nodes.size(); i++) {
      String id = "node-" + (i + 1);
      Samples node = Samples.parse(send("GET", nodeUrl(i) + "/metrics", null).body());
      long owned = 0;
      for (int k = 0; k < KEYS; k++) if (ring.owner("k" + k).equals(id)) owned++;
      assertEquals(owned, node.value("pxkv_node_keys"), id);
      totalKeys += (long) node.value("pxkv_node_keys");
      assertTrue(node.value("pxkv_node_disk_bytes") >= owned * 600, id);
      assertTrue(node.value("pxkv_node_live_bytes") >= owned * 600, id);
      assertTrue(node.value("pxkv_node_live_bytes") <= node.value("pxkv_node_disk_bytes"), id);
      assertTrue(node.value("pxkv_node_segments") >= 1, id);
      // Every read is a hit or a miss; each second read hits; the small cache evicted some.
      assertEquals(
          2 * owned,
          node.value("pxkv_node_cache_hits_total") + node.value("pxkv_node_cache_misses_total"),
          id);
      assertTrue(node.value("pxkv_node_cache_hits_total") >= owned, id);
      assertTrue(node.value("pxkv_node_cache_misses_total") > 0, id);
      assertTrue(node.value("pxkv_node_cache_evictions_total") > 0, id);
      assertTrue(node.value("pxkv_node_cache_bytes") <= CACHE_BYTES, id);
      assertEquals(CACHE_BYTES, node.value("pxkv_node_cache_capacity_bytes"), id);
      // fsync=always: at least one fsync of data per write batch.
      assertTrue(node.value("pxkv_node_fsync_seconds_count", "target", "data") >= 1, id);
      assertEquals(0, node.value("pxkv_node_writes_refused"), id);
      assertEquals(i == 0 ? 1 : 0, node.value("pxkv_node_compactions_total"), id);
      assertTrue(
          node.value(requests, "route", "kv_key", "method", "GET", "status", "200") >= owned, id);
      histogramsAreConsistent(node, "pxkv_node_fsync_seconds");
      // The node's kv-read worker pool, from vertx-micrometer.
      assertTrue(node.has("vertx_pool_queue_pending"), id);
    }
    assertEquals(KEYS, totalKeys);
  }

  @Test
  @Order(2)
  void everySeriesTheGrafanaDashboardQueriesIsScraped() throws Exception {
    Set<String> scraped = new HashSet<>();
    for (String url : metricsUrls()) {
      for (Samples.Sample s : Samples.parse(send("GET", url, null).body()).all()) {
        scraped.add(s.name());
      }
    }
    JsonObject dashboard =
        new JsonObject(Files.readString(Path.of("..", "docs", "grafana-dashboard.json")));
    Matcher names = Pattern.compile("\\b(?:pxkv|vertx)_[a-z_]+\\b").matcher(expressions(dashboard));
    Set<String> queried = new TreeSet<>();
    while (names.find()) queried.add(names.group());
    assertTrue(queried.size() > 10, "queried " + queried);
    queried.removeAll(scraped);
    assertEquals(Set.of(), queried, "queried by docs/grafana-dashboard.json but never scraped");
  }

  private static String expressions(JsonObject dashboard) {
    StringBuilder all = new StringBuilder();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets", new JsonArray());
      for (Object t : targets) all.append(((JsonObject) t).getString("expr")).append('\n');
    }
    return all.toString();
  }

  @Test
  @Order(3)
  void scrapesAreValidPrometheusText() throws Exception {
    Path promtool = Promtool.find();
    Assumptions.assumeTrue(
        promtool != null,
        "promtool not found (Debian package 'prometheus'; .ci/run installs it): the scrapes are"
            + " not checked by Prometheus' own parser here");
    for (String url : metricsUrls()) {
      String text = send("GET", url, null).body();
      Promtool.Verdict verdict = Promtool.checkMetrics(promtool, text);
      assertEquals(0, verdict.exitCode(), url + ": " + verdict.output());
      assertEquals("", verdict.output().strip(), url);
    }
  }

  @Test
  @Order(4)
  void callsToANodeThatIsDownAreCountedAsErrors() throws Exception {
    ConsistentHashRing ring = cluster.ring();
    nodes.get(1).close().await(30, TimeUnit.SECONDS);
    int refused = 0;
    for (int i = 0; i < KEYS; i++) {
      if (!ring.owner("k" + i).equals("node-2")) continue;
      assertEquals(503, send("GET", "/kv/k" + i, null).statusCode());
      refused++;
    }
    Samples router = Samples.parse(send("GET", "/metrics", null).body());
    double errors =
        router.value(
            "pxkv_router_node_call_errors_total", "node", "node-2", "error", "node_unavailable");
    assertTrue(errors >= 1 && errors <= refused, errors + " errors for " + refused + " refusals");
    assertEquals(
        refused,
        router.value(
            "pxkv_http_server_requests_seconds_count",
            "route",
            "kv_key",
            "method",
            "GET",
            "status",
            "503"));
  }

  /** Every series of a histogram: counts never fall as {@code le} grows, and +Inf is the count. */
  private static void histogramsAreConsistent(Samples samples, String histogram) {
    Map<Map<String, String>, TreeMap<Double, Double>> series = new java.util.HashMap<>();
    for (Samples.Sample s : samples.find(histogram + "_bucket")) {
      Map<String, String> labels = new TreeMap<>(s.labels());
      double le = Double.parseDouble(labels.remove("le").replace("+Inf", "Infinity"));
      series
          .computeIfAbsent(labels, k -> new TreeMap<>(Comparator.naturalOrder()))
          .put(le, s.value());
    }
    assertTrue(!series.isEmpty(), "no buckets of " + histogram);
    for (var e : series.entrySet()) {
      double previous = 0;
      for (double count : e.getValue().values()) {
        assertTrue(count >= previous, histogram + e.getKey() + " buckets fall");
        previous = count;
      }
      String[] labels =
          e.getKey().entrySet().stream()
              .flatMap(l -> java.util.stream.Stream.of(l.getKey(), l.getValue()))
              .toArray(String[]::new);
      assertEquals(previous, samples.value(histogram + "_count", labels), histogram + e.getKey());
    }
  }

  private List<String> metricsUrls() {
    List<String> urls = new ArrayList<>(List.of(routerUrl + "/metrics"));
    for (int i = 0; i < nodes.size(); i++) urls.add(nodeUrl(i) + "/metrics");
    return urls;
  }

  private String nodeUrl(int i) {
    return "http://127.0.0.1:" + nodes.get(i).port();
  }

  private HttpResponse<String> send(String method, String pathOrUrl, String body) throws Exception {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : routerUrl + pathOrUrl;
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, publisher)
            .timeout(java.time.Duration.ofSeconds(30))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
