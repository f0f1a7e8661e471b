package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.testing.Await;
import io.pxkv.common.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing and shrinking a live cluster through its config file, with real processes: four nodes and
 * a router in child JVMs, 50,000 keys, 16 clients reading and writing throughout. Each step changes
 * the file, waits for the router to report the cluster settled, and checks that no read failed or
 * went backwards, no acknowledged write was lost, and every key sits on its owner only. The steps
 * run in order on one cluster, so they also show several changes in a row; each first brings the
 * cluster to where it starts ({@link #startFrom}), so any one runs alone as well ({@code
 * -Dit.test=RebalanceIT#oneStep}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebalanceIT {
  private static final int KEYS = 50_000;
  private static final int CLIENTS = 16;

  /** Keys below this are the clients' own (client t owns i % CLIENTS == t); the rest stay put. */
  private static final int CLIENT_KEYS = 16_000;

  private static final long DEADLINE_MS = 180_000;

  private Path root;
  private Path clusterFile;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, ChildProcess> nodes = new HashMap<>();
  private ChildProcess router;
  private int routerPort;
  private int routerKeysPerSecond;
  private List<String> layout = List.of();
  private final Map<String, JsonObject> expected = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  void startClusterAndLoad(@TempDir Path root) throws Exception {
    this.root = root;
    clusterFile = root.resolve("cluster.json");
    for (int i = 1; i <= 4; i++) startNode("node-" + i);
    writeCluster("node-1", "node-2", "node-3");
    startRouter(20_000);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> loads = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      int first = t;
      loads.add(
          pool.submit(
              () -> {
                for (int i = first; i < KEYS; i += CLIENTS) {
                  JsonObject value = new JsonObject().put("i", i).put("w", 0);
                  HttpResponse<String> r = send("PUT", routerPort, "/kv/key-" + i, value.encode());
                  if (r.statusCode() != 201)
                    throw new AssertionError("load failed: " + r.statusCode() + " " + r.body());
                  expected.put("key-" + i, value);
                }
                return null;
              }));
    }
    for (Future<?> f : loads) f.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    pool.shutdown();
    assertEquals(KEYS, expected.size());
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (router != null) router.kill();
    for (ChildProcess n : nodes.values()) n.kill();
  }

  @Test
  @Order(1)
  void addingANodeUnderLoadMovesAQuarterOfTheKeysToItWithNoFailedRead() throws Exception {
    startFrom(20_000, "node-1", "node-2", "node-3");
    Load load = Load.start(this);
    writeCluster("node-1", "node-2", "node-3", "node-4");
    JsonObject status = awaitSettled("node-1", "node-2", "node-3", "node-4");
    Load.Result result = load.stop();
    result.assertClean();

    Map<String, Integer> counts = verifyPlacement("node-1", "node-2", "node-3", "node-4");
    assertQuarter(counts.get("node-4"), "keys on the new node");
    assertQuarter(status.getJsonObject("progress").getLong("keysMoved"), "keys moved");
  }

  @Test
  @Order(2)
  void removingANodeUnderLoadDrainsItWithNoFailedRead() throws Exception {
    startFrom(20_000, "node-1", "node-2", "node-3", "node-4");
    Load load = Load.start(this);
    writeCluster("node-1", "node-3", "node-4");
    JsonObject status = awaitSettled("node-1", "node-3", "node-4");
    Load.Result result = load.stop();
    result.assertClean();

    Map<String, Integer> counts = verifyPlacement("node-1", "node-3", "node-4");
    assertEquals(0, counts.getOrDefault("node-2", 0), "the removed node is drained");
    assertQuarter(status.getJsonObject("progress").getLong("keysMoved"), "keys moved");
  }

  @Test
  @Order(3)
  void deletesAndOverwritesMadeDuringTheMoveWinOverTheMovedCopies() throws Exception {
    // node-2 comes back: it still has the tombstones its drain left, which must not block the keys
    // now moving back to it. Moves are slowed down so that the writes below race them.
    startFrom(2_000, "node-1", "node-3", "node-4");
    ConsistentHashRing next = ring("node-1", "node-2", "node-3", "node-4");
    List<String> moving = new ArrayList<>();
    for (int i = CLIENT_KEYS; i < KEYS && moving.size() < 2000; i++) {
      if (next.owner("key-" + i).equals("node-2")) moving.add("key-" + i);
    }
    writeCluster("node-1", "node-2", "node-3", "node-4");
    awaitPhase("moving");
    for (int n = 0; n < moving.size(); n++) {
      String key = moving.get(n);
      if (n % 2 == 0) {
        JsonObject value = new JsonObject().put("overwritten", n);
        // 201 when the key has not reached its new owner yet: the write lands there all the same.
        int status = send("PUT", routerPort, "/kv/" + key, value.encode()).statusCode();
        assertTrue(status == 200 || status == 201, key + ": " + status);
        expected.put(key, value);
      } else {
        assertEquals(200, send("DELETE", routerPort, "/kv/" + key, null).statusCode(), key);
        expected.remove(key);
      }
    }
    awaitSettled("node-1", "node-2", "node-3", "node-4");
    for (int n = 1; n < moving.size(); n += 2) {
      String key = moving.get(n);
      assertEquals(
          404,
          send("GET", routerPort, "/kv/" + key, null).statusCode(),
          "deleted during the move: " + key);
      for (int port : ports.values()) {
        assertEquals(
            404, send("GET", port, "/kv/" + key, null).statusCode(), "a copy came back on " + port);
      }
    }
    verifyPlacement("node-1", "node-2", "node-3", "node-4");
  }

  @Test
  @Order(4)
  void aRouterKilledMidMoveResumesAndFinishesAfterRestart() throws Exception {
    startFrom(2_000, "node-1", "node-2", "node-3", "node-4");
    writeCluster("node-1", "node-2", "node-3");
    awaitProgress();
    router.kill();
    startRouter(20_000);
    Load load = Load.start(this);
    awaitSettled("node-1", "node-2", "node-3");
    load.stop().assertClean();
    Map<String, Integer> counts = verifyPlacement("node-1", "node-2", "node-3");
    assertEquals(0, counts.getOrDefault("node-4", 0), "the removed node is drained");
  }

  @Test
  @Order(5)
  void aReceivingNodeKilledMidMoveCatchesUpAfterRestart() throws Exception {
    startFrom(2_000, "node-1", "node-2", "node-3");
    writeCluster("node-1", "node-2", "node-3", "node-4");
    awaitProgress();
    nodes.get("node-4").kill();
    awaitPhase("waiting");
    startNode("node-4");
    awaitSettled("node-1", "node-2", "node-3", "node-4");
    Load load = Load.start(this);
    await(
        "2,000 reads after the move",
        () -> load.reads.get() >= 2000,
        () -> load.reads.get() + " reads");
    load.stop().assertClean();
    Map<String, Integer> counts = verifyPlacement("node-1", "node-2", "node-3", "node-4");
    assertQuarter(counts.get("node-4"), "keys on the node that was killed");
  }

  // ---- the cluster

  /**
   * Where a step starts, whichever steps ran before it: the cluster settled on {@code ids}, and the
   * router moving keys at {@code keysPerSecond}. Does nothing when that is so already.
   */
  private void startFrom(int keysPerSecond, String... ids) throws Exception {
    if (!layout.equals(List.of(ids))) {
      writeCluster(ids);
      awaitSettled(ids);
    }
    if (routerKeysPerSecond != keysPerSecond) restartRouter(keysPerSecond);
  }

  private void startNode(String id) throws Exception {
    ChildProcess node =
        ChildProcess.java(
            id,
            256,
            "io.pxkv.node.NodeMain",
            List.of(
                "--id",
                id,
                "--host",
                "127.0.0.1",
                "--port",
                // The node picks one and reports it; started again, it keeps the one it had.
                String.valueOf(ports.getOrDefault(id, 0)),
                "--data",
                root.resolve(id).toString(),
                "--fsync",
                "never"),
            Map.of());
    nodes.put(id, node.startServer(Duration.ofSeconds(60)));
    ports.put(id, node.port());
  }

  private void startRouter(int keysPerSecond) throws Exception {
    routerKeysPerSecond = keysPerSecond;
    router =
        ChildProcess.java(
                "router",
                256,
                "io.pxkv.router.RouterMain",
                // A generous deadline: this test is about where keys are, and a busy machine can
                // stall a node for seconds; a timeout would be counted as a failed read.
                List.of(
                    "--host",
                    "127.0.0.1",
                    "--port",
                    // 0 at first; the same port when started again
                    String.valueOf(routerPort),
                    "--cluster",
                    clusterFile.toString(),
                    "--rebalance-rate",
                    String.valueOf(keysPerSecond),
                    "--timeout-ms",
                    "30000"),
                Map.of())
            .startServer(Duration.ofSeconds(60));
    routerPort = router.port();
  }

  private void restartRouter(int keysPerSecond) throws Exception {
    router.kill();
    startRouter(keysPerSecond);
  }

  /** Replaces the cluster file in one step, as an editor or a config tool would. */
  private void writeCluster(String... ids) throws IOException {
    layout = List.of(ids);
    JsonArray list = new JsonArray();
    for (String id : ids)
      list.add(new JsonObject().put("id", id).put("url", "http://127.0.0.1:" + ports.get(id)));
    Path tmp = root.resolve("cluster.json.tmp");
    Files.writeString(
        tmp,
        new JsonObject()
            .put("virtualNodes", 128)
            .put("replicas", 1)
            .put("nodes", list)
            .encodePrettily());
    Files.move(
        tmp, clusterFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private ConsistentHashRing ring(String... ids) {
    List<NodeInfo> infos = new ArrayList<>();
    for (String id : ids) infos.add(NodeInfo.of(id, "127.0.0.1", ports.get(id)));
    return (new ClusterConfig(128, infos)).ring();
  }

  private JsonObject rebalanceStatus() {
    HttpResponse<String> r = send("GET", routerPort, "/admin/rebalance", null);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** Waits until the router routes by exactly {@code ids} and no other node may hold keys. */
  private JsonObject awaitSettled(String... ids) throws InterruptedException {
    List<String> want = List.of(ids);
    JsonObject[] last = new JsonObject[1];
    await(
        "settled on " + want,
        () -> {
          last[0] = rebalanceStatus();
          JsonArray holders = last[0].getJsonArray("holders", new JsonArray());
          String phase = last[0].getString("phase");
          return (phase.equals("done") || phase.equals("idle")) && holders.getList().equals(want);
        },
        () -> String.valueOf(last[0]));
    return last[0];
  }

  private void awaitPhase(String phase) throws InterruptedException {
    JsonObject[] last = new JsonObject[1];
    await(
        "phase " + phase,
        () -> phase.equals((last[0] = rebalanceStatus()).getString("phase")),
        () -> String.valueOf(last[0]));
  }

  /** Waits until the sweep has moved some keys, so that what follows lands mid-move. */
  private void awaitProgress() throws InterruptedException {
    JsonObject[] last = new JsonObject[1];
    await(
        "keys moving",
        () -> {
          last[0] = rebalanceStatus();
          JsonObject p = last[0].getJsonObject("progress");
          return last[0].getString("phase").equals("moving")
              && p != null
              && p.getLong("keysMoved") > 0;
        },
        () -> String.valueOf(last[0]));
  }

  /**
   * Polls {@code done} until it holds or the deadline passes. The short pause between polls only
   * spaces out the status requests; no outcome depends on how long it is.
   */
  private static void await(
      String what, BooleanSupplier done, java.util.function.Supplier<String> state)
      throws InterruptedException {
    Await.until(what, Duration.ofMillis(DEADLINE_MS), done, state);
  }

  /**
   * Reads every node's whole listing straight from the node: each expected key is on exactly one
   * node, the one the ring names, with its expected value, and no other key exists anywhere.
   */
  private Map<String, Integer> verifyPlacement(String... ids) {
    ConsistentHashRing ring = ring(ids);
    Map<String, String> foundOn = new HashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> node : ports.entrySet()) {
      HttpResponse<String> all = send("GET", node.getValue(), "/kv", null);
      assertEquals(200, all.statusCode(), node.getKey());
      JsonObject pairs = new JsonObject(all.body());
      counts.put(node.getKey(), pairs.size());
      for (String key : pairs.fieldNames()) {
        String other = foundOn.put(key, node.getKey());
        assertEquals(null, other, key + " is on both " + other + " and " + node.getKey());
        assertEquals(ring.owner(key), node.getKey(), key + " is not on its owner");
        assertEquals(expected.get(key), pairs.getJsonObject(key), "value of " + key);
      }
    }
    assertEquals(expected.keySet(), foundOn.keySet(), "every live key, and nothing else");
    System.out.println("placement " + List.of(ids) + ": " + counts);
    return counts;
  }

  private static void assertQuarter(long n, String what) {
    assertTrue(
        n >= KEYS * 0.20 && n <= KEYS * 0.30,
        what + ": " + n + " of " + KEYS + " (expected 20%..30%)");
  }

  HttpResponse<String> send(String method, int port, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " on " + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** For failure messages: which nodes have {@code key}, asked directly. */
  String whereIs(String key) {
    List<String> on = new ArrayList<>();
    for (Map.Entry<String, Integer> node : ports.entrySet()) {
      try {
        if (send("GET", node.getValue(), "/kv/" + key, null).statusCode() == 200)
          on.add(node.getKey());
      } catch (RuntimeException e) {
        on.add(node.getKey() + "?");
      }
    }
    return "on " + on;
  }

  /**
   * 16 clients, each reading and writing its own keys through the router as fast as it can. Each
   * knows the last value it had acknowledged for each of its keys, so any read that fails or
   * returns anything older is counted.
   */
  private static final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    record Result(long reads, long writes, List<String> problems) {
      void assertClean() {
        System.out.printf(
            "load: %d reads, %d writes, %d problems%n", reads, writes, problems.size());
        assertTrue(
            problems.isEmpty(),
            problems.size()
                + " failed or stale operations, first: "
                + problems.subList(0, Math.min(5, problems.size())));
        assertTrue(reads > 100, "the load ran: " + reads + " reads");
      }
    }

    static Load start(RebalanceIT it) {
      Load load = new Load();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        Thread thread = new Thread(() -> load.run(it, client), "load-" + t);
        load.threads.add(thread);
        thread.start();
      }
      return load;
    }

    private void run(RebalanceIT it, int client) {
      Random random = new Random(client);
      int writesDone = 0;
      while (running.get()) {
        int i = client + CLIENTS * random.nextInt(CLIENT_KEYS / CLIENTS);
        String key = "key-" + i;
        try {
          if (random.nextInt(5) == 0) {
            JsonObject value =
                new JsonObject().put("i", i).put("w", ++writesDone).put("by", client);
            HttpResponse<String> r = it.send("PUT", it.routerPort, "/kv/" + key, value.encode());
            if (r.statusCode() / 100 != 2) {
              problems.add("PUT " + key + " -> " + r.statusCode() + " " + r.body());
            } else {
              it.expected.put(key, value);
              writes.incrementAndGet();
            }
          } else {
            HttpResponse<String> r = it.send("GET", it.routerPort, "/kv/" + key, null);
            reads.incrementAndGet();
            if (r.statusCode() != 200) {
              problems.add(
                  "GET " + key + " -> " + r.statusCode() + " " + r.body() + "; " + it.whereIs(key));
            } else if (!it.expected
                .get(key)
                .equals(new JsonObject(r.body()).getJsonObject("value"))) {
              problems.add(
                  "GET "
                      + key
                      + " went backwards: "
                      + r.body()
                      + ", expected "
                      + it.expected.get(key));
            }
          }
        } catch (RuntimeException e) {
          problems.add(key + ": " + e.getMessage());
        }
      }
    }

    Result stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) t.join(60_000);
      return new Result(reads.get(), writes.get(), List.copyOf(problems));
    }
  }
}
