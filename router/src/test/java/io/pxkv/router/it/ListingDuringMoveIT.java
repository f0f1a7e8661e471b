package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pxkv.common.cluster.ClusterConfig;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings taken while keys move, end to end: three real nodes (in-process {@link NodeServer}s,
 * each on a Vert.x of its own) and a real router ({@link RunningRouter}) reading a cluster file. A
 * node joins a loaded cluster at a slow move rate, and while the keys move, {@code GET /kv}, {@code
 * GET /admin/export} and paged listings run over and over, side by side: each must give every key
 * exactly once, with its value, every time.
 *
 * <p>The miss this guards against (a key listed nowhere) needs a key to move after the new node's
 * scan passed it and before the old node's scan reaches it. The new node holds few keys, so its
 * scan of a streamed listing runs far ahead of the old nodes' (up to the merge's pause threshold),
 * which makes that window wide for {@code GET /kv} and exports; pages ask every node at once, so
 * for them it is a few milliseconds. Nodes push their strays 2,000 at a time, so the keys and the
 * rate are chosen for about ten pushes spread over ten seconds or so of listings: the race is
 * likely, not certain, in one run.
 */
class ListingDuringMoveIT {
  private static final int KEYS = 60_000;
  private static final long MOVE_KEYS_PER_SECOND = 2_000;
  private static final int IN_FLIGHT = 32;
  private static final long DEADLINE_MS = 180_000;
  private static final int PAGE = 1000;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final Map<String, NodeServer> nodes = new LinkedHashMap<>();
  private RunningRouter router;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stopEverything() throws Exception {
    if (router != null) router.close().await(60, TimeUnit.SECONDS);
    for (NodeServer n : nodes.values()) n.close().await(60, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(60, TimeUnit.SECONDS);
  }

  /** What the listings of one kind started while the keys moved gave. */
  private static final class Tally {
    int whileMoving;
    int wrong;
    String firstProblem;
  }

  @Test
  void everyListingTakenWhileANodeJoinsGivesEveryKeyOnce(@TempDir Path root) throws Exception {
    for (String id : List.of("node-1", "node-2", "node-3")) startNode(id, root.resolve(id));
    Path clusterFile = root.resolve("cluster.json");
    writeCluster(clusterFile, "node-1", "node-2");
    Vertx routerVertx = Vertx.vertx();
    vertxes.add(routerVertx);
    router =
        RunningRouter.start(routerVertx, routerConfig(clusterFile)).await(60, TimeUnit.SECONDS);

    Map<String, JsonObject> expected = load();
    assertEquals(Map.of(), problems(listAll(), expected), "before the move");

    writeCluster(clusterFile, "node-1", "node-2", "node-3");
    await("the move to start", () -> !phase().equals("done"));
    long started = System.nanoTime();

    AtomicBoolean moving = new AtomicBoolean(true);
    Map<String, Tally> tallies = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> listers = new ArrayList<>();
    for (String kind : List.of("GET /kv", "export", "pages")) {
      Tally tally = new Tally();
      tallies.put(kind, tally);
      listers.add(
          CompletableFuture.runAsync(
              () -> {
                // Every listing started while the keys move counts; one that ends after the move
                // settled also crossed a change of view.
                while (moving.get()) {
                  Map<String, List<JsonObject>> listed = list(kind);
                  tally.whileMoving++;
                  Map<String, String> wrong = problems(listed, expected);
                  if (!wrong.isEmpty()) {
                    tally.wrong++;
                    if (tally.firstProblem == null) tally.firstProblem = summary(wrong);
                  }
                }
              }));
    }
    await(
        "the cluster to settle on three nodes",
        () -> {
          JsonObject status = new JsonObject(get("/admin/rebalance"));
          return status.getString("phase").equals("done")
              && status.getJsonArray("holders").size() == 3;
        });
    moving.set(false);
    long moveMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    for (CompletableFuture<Void> l : listers) l.get(DEADLINE_MS, TimeUnit.MILLISECONDS);

    StringBuilder report = new StringBuilder("the move took " + moveMs + " ms; ");
    tallies.forEach(
        (kind, t) ->
            report
                .append(kind)
                .append(": ")
                .append(t.whileMoving)
                .append(" started while moving, ")
                .append(t.wrong)
                .append(" wrong")
                .append(t.firstProblem == null ? "" : " (first: " + t.firstProblem + ")")
                .append("; "));
    System.out.println("ListingDuringMoveIT: " + report);
    for (Map.Entry<String, Tally> e : tallies.entrySet()) {
      assertEquals(0, e.getValue().wrong, report.toString());
      assertTrue(e.getValue().whileMoving >= 1, "no listing during the move: " + report);
    }
    for (String kind : List.of("GET /kv", "export", "pages")) {
      assertEquals(Map.of(), problems(list(kind), expected), kind + " after the move");
    }
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

  private void writeCluster(Path file, String... ids) throws IOException {
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
        .rebalanceKeysPerSecond(MOVE_KEYS_PER_SECOND, MOVE_KEYS_PER_SECOND)
        .build();
  }

  private String phase() {
    return new JsonObject(get("/admin/rebalance")).getString("phase");
  }

  /** Writes every key through the router, {@link #IN_FLIGHT} at a time. */
  private Map<String, JsonObject> load() throws Exception {
    Map<String, JsonObject> expected = new HashMap<>();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = String.format("key-%05d", i);
      JsonObject value = new JsonObject().put("i", i).put("pad", "p".repeat(i % 40));
      expected.put(key, value);
      slots.acquire();
      puts.add(
          http.sendAsync(
                  request("/kv/" + key)
                      .PUT(HttpRequest.BodyPublishers.ofString(value.encode()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release()));
    }
    for (CompletableFuture<HttpResponse<String>> put : puts) {
      HttpResponse<String> r = put.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
      assertEquals(201, r.statusCode(), r.body());
    }
    return expected;
  }

  // ---- the listings, each as key -> the values it was listed with (once, if all is well)

  private Map<String, List<JsonObject>> list(String kind) {
    return switch (kind) {
      case "GET /kv" -> listAll();
      case "export" -> listExport();
      default -> listPages();
    };
  }

  private static void add(Map<String, List<JsonObject>> listed, String key, JsonObject value) {
    listed.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
  }

  /** {@code GET /kv}, read with a streaming parser: a JSON object would hide a key given twice. */
  private Map<String, List<JsonObject>> listAll() {
    Map<String, List<JsonObject>> listed = new HashMap<>();
    String body = get("/kv");
    try (JsonParser p = new JsonFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new AssertionError("not an object");
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String key = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT) throw new AssertionError(key + ": no object");
        int from = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        int to = (int) p.currentTokenLocation().getCharOffset() + 1;
        add(listed, key, new JsonObject(body.substring(from, to)));
      }
    } catch (IOException e) {
      throw new AssertionError("GET /kv is not JSON: " + e, e);
    }
    return listed;
  }

  private Map<String, List<JsonObject>> listExport() {
    Map<String, List<JsonObject>> listed = new HashMap<>();
    for (String line : get("/admin/export").split("\n")) {
      if (line.isEmpty()) continue;
      JsonObject record = new JsonObject(line);
      add(listed, record.getString("key"), record.getJsonObject("value"));
    }
    return listed;
  }

  private Map<String, List<JsonObject>> listPages() {
    Map<String, List<JsonObject>> listed = new HashMap<>();
    String cursor = null;
    do {
      String uri =
          "/kv?limit="
              + PAGE
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonObject page = new JsonObject(get(uri));
      JsonArray items = page.getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        add(listed, item.getString("key"), item.getJsonObject("value"));
      }
      cursor = page.getString("cursor");
    } while (cursor != null);
    return listed;
  }

  /** Every key listed other than once, or with a wrong value: key -> what happened. */
  private static Map<String, String> problems(
      Map<String, List<JsonObject>> listed, Map<String, JsonObject> want) {
    Map<String, String> wrong = new TreeMap<>();
    for (Map.Entry<String, JsonObject> e : want.entrySet()) {
      List<JsonObject> values = listed.getOrDefault(e.getKey(), List.of());
      if (values.size() != 1) {
        wrong.put(e.getKey(), "listed " + values.size() + " times");
      } else if (!e.getValue().equals(values.get(0))) {
        wrong.put(e.getKey(), "listed as " + values.get(0));
      }
    }
    for (String key : listed.keySet()) {
      if (!want.containsKey(key)) wrong.put(key, "never written");
    }
    return wrong;
  }

  private static String summary(Map<String, String> wrong) {
    StringBuilder s = new StringBuilder(wrong.size() + " keys wrong");
    int shown = 0;
    for (Map.Entry<String, String> e : wrong.entrySet()) {
      if (shown++ == 3) break;
      s.append(shown == 1 ? ": " : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    return s.toString();
  }

  // ---- HTTP

  private HttpRequest.Builder request(String uri) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + uri))
        .timeout(Duration.ofSeconds(60));
  }

  private String get(String uri) {
    try {
      HttpResponse<String> r =
          http.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200)
        throw new AssertionError("GET " + uri + ": " + r.statusCode() + " " + r.body());
      return r.body();
    } catch (IOException e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    Await.until(what, Duration.ofMillis(DEADLINE_MS), done);
  }
}
