package io.pxkv.router.it;

import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.testing.Await;
import io.pxkv.common.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * A cluster for the tests of moves, driven only from outside, as an operator would: storage nodes
 * and a router in child JVMs on this test's classpath, the cluster file (replaced atomically), HTTP
 * on the router and on each node, kill -9 and restart.
 *
 * <p>Nothing here uses a router flag that may go away: a router that keeps move state on disk finds
 * its directory in {@code PXKV_STATE_DIR} (a router that keeps it on the nodes ignores the
 * variable), and the move pace, when a test slows moves down to land changes mid-move, is {@code
 * PXKV_REBALANCE_RATE}, also ignored where unknown.
 */
final class MoveCluster implements AutoCloseable {
  static final long DEADLINE_MS = 180_000;
  static final int VIRTUAL_NODES = 128;

  private final Path root;
  private final Path clusterFile;

  /** Each node's port: 0 until it first started on a port of its own choosing. */
  private final Map<String, Integer> ports = new ConcurrentSkipListMap<>();

  private final Map<String, ChildProcess> nodes = new HashMap<>();
  private final Map<String, List<String>> nodeFlags = new HashMap<>();
  private final Map<String, Map<String, String>> nodeEnv = new HashMap<>();
  private final Map<String, String> routerEnv = new HashMap<>();
  private final ChildProcess router;
  private volatile int routerPort; // 0 until the router first started
  private final Object configLock = new Object();
  private volatile List<String> members = List.of();
  private volatile boolean routerUp;
  private final AtomicLong routerChanges = new AtomicLong();
  // One copy unless a test asks for more (replicate): what the single-copy move tests check.
  private volatile JsonObject replication = new JsonObject().put("replicas", 1);
  final Http http = new Http();

  /**
   * A cluster in {@code root} whose router moves at most {@code keysPerSecond} keys a second (if it
   * takes that setting from the environment), and whose nodes are {@code ids}, none started.
   */
  MoveCluster(Path root, long keysPerSecond, String... ids) throws IOException {
    this.root = root;
    this.clusterFile = root.resolve("cluster.json");
    for (String id : ids) ports.put(id, 0);
    routerEnv.put("PXKV_STATE_DIR", root.resolve("router-state").toString());
    routerEnv.put("PXKV_REBALANCE_RATE", String.valueOf(keysPerSecond));
    router =
        ChildProcess.java(
            "router",
            256,
            "io.pxkv.router.RouterMain",
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--cluster",
                clusterFile.toString(),
                // Generous: a busy 2-core machine can stall a node for seconds, and a timeout
                // would be counted as a failed call.
                "--timeout-ms",
                "30000"),
            routerEnv);
  }

  /** Extra flags and environment for one node, from its next start on. */
  void configureNode(String id, List<String> flags, Map<String, String> env) {
    nodeFlags.put(id, List.copyOf(flags));
    nodeEnv.put(id, Map.copyOf(env));
  }

  List<String> nodeIds() {
    return List.copyOf(ports.keySet());
  }

  int routerPort() {
    return routerPort;
  }

  int port(String id) {
    return ports.get(id);
  }

  /** The nodes named in the cluster file as last written. */
  List<String> members() {
    return members;
  }

  boolean routerUp() {
    return routerUp;
  }

  /**
   * Counts the router's kills and starts: a call made while this stayed the same and {@link
   * #routerUp} held throughout had a running router to talk to.
   */
  long routerChanges() {
    return routerChanges.get();
  }

  /** Held while the cluster file is written; hold it to keep the file as it is meanwhile. */
  Object configLock() {
    return configLock;
  }

  // ---- processes

  /** Starts these nodes, side by side. */
  void startNodes(String... ids) throws Exception {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (String id : ids) {
      starts.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  startNode(id);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<Void> s : starts) s.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  void startNode(String id) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--id",
                id,
                "--host",
                "127.0.0.1",
                "--port",
                // 0 at the first start; on restarts the port it bound first
                String.valueOf(ports.get(id)),
                "--data",
                root.resolve(id).toString(),
                // A killed process loses no acknowledged write in any sync mode (the kernel has
                // the bytes); fsync per write would only slow the moves down.
                "--fsync",
                "interval"));
    args.addAll(nodeFlags.getOrDefault(id, List.of()));
    ChildProcess node;
    synchronized (nodes) {
      node =
          nodes.computeIfAbsent(
              id,
              n ->
                  ChildProcess.java(
                      n, 256, "io.pxkv.node.NodeMain", args, nodeEnv.getOrDefault(n, Map.of())));
    }
    node.startServer(Duration.ofSeconds(90));
    ports.put(id, node.port());
  }

  /**
   * kill -9, then starts the node again on its port and data with {@code flags} instead of those it
   * had (a clock offset, say).
   */
  void restartNodeWith(String id, List<String> flags) throws Exception {
    killNode(id);
    synchronized (nodes) {
      nodes.remove(id);
    }
    configureNode(id, flags, nodeEnv.getOrDefault(id, Map.of()));
    startNode(id);
  }

  /** kill -9. */
  void killNode(String id) throws InterruptedException {
    ChildProcess node = nodes.get(id);
    if (node != null) node.kill();
  }

  boolean nodeUp(String id) {
    ChildProcess node = nodes.get(id);
    return node != null && node.alive();
  }

  void startRouter() throws Exception {
    router.startServer(Duration.ofSeconds(90));
    routerPort = router.port();
    routerUp = true;
    routerChanges.incrementAndGet();
  }

  /** kill -9 of the router; clients get no answer until {@link #startRouter}. */
  void killRouter() throws InterruptedException {
    routerUp = false;
    routerChanges.incrementAndGet();
    router.kill();
  }

  String routerLog() {
    return router.output();
  }

  /** The last {@code lines} lines of the router's output, for failure messages. */
  String routerLogTail(int lines) {
    String[] all = router.output().split("\n");
    StringBuilder s = new StringBuilder();
    for (int i = Math.max(0, all.length - lines); i < all.length; i++)
      s.append("\n  | ").append(all[i]);
    return s.toString();
  }

  @Override
  public void close() throws Exception {
    router.kill();
    for (ChildProcess n : nodes.values()) n.kill();
  }

  // ---- the cluster file

  /** From the next {@link #writeCluster} on, the file asks for these copies and quorums. */
  void replicate(int replicas, int writeQuorum, int readQuorum) {
    replication =
        new JsonObject()
            .put("replicas", replicas)
            .put("writeQuorum", writeQuorum)
            .put("readQuorum", readQuorum);
  }

  /** Replaces the cluster file in one step (temp file, atomic move), as a config tool would. */
  void writeCluster(List<String> ids) throws IOException {
    JsonArray list = new JsonArray();
    for (String id : ids)
      list.add(new JsonObject().put("id", id).put("url", "http://127.0.0.1:" + ports.get(id)));
    synchronized (configLock) {
      Path tmp = root.resolve("cluster.json.tmp");
      Files.writeString(
          tmp,
          new JsonObject()
              .put("virtualNodes", VIRTUAL_NODES)
              .put("nodes", list)
              .mergeIn(replication)
              .encodePrettily());
      Files.move(
          tmp, clusterFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      members = List.copyOf(ids);
    }
  }

  static ConsistentHashRing ring(List<String> ids) {
    return new ConsistentHashRing(ids, VIRTUAL_NODES);
  }

  // ---- what the router and the nodes say

  /** {@code GET /admin/rebalance}, or null while the router does not answer. */
  JsonObject rebalance() {
    Http.Reply r = http.send("GET", routerPort, "/admin/rebalance", null);
    return r.status() == 200 ? new JsonObject(r.body()) : null;
  }

  /** The node ids of the status's target layout, or null if it names none. */
  static List<String> targetIds(JsonObject status) {
    JsonObject target = status.getJsonObject("target");
    if (target == null || target.getJsonArray("nodes") == null) return null;
    List<String> ids = new ArrayList<>();
    for (Object n : target.getJsonArray("nodes")) ids.add(((JsonObject) n).getString("id"));
    return ids;
  }

  /**
   * The router says every key is on its owner in exactly {@code ids}: phase {@code done} (or {@code
   * idle} after a start on a settled cluster), that target, and no other holder.
   */
  static boolean settledOn(JsonObject status, List<String> ids) {
    if (status == null) return false;
    String phase = status.getString("phase", "");
    if (!phase.equals("done") && !phase.equals("idle")) return false;
    List<String> target = targetIds(status);
    if (target == null || !new HashSet<>(target).equals(new HashSet<>(ids))) return false;
    JsonArray holders = status.getJsonArray("holders");
    return holders == null || new HashSet<>(holders.getList()).equals(new HashSet<>(ids));
  }

  /** Waits until the router reports the cluster settled on {@code ids}; returns that status. */
  JsonObject awaitSettled(List<String> ids) throws InterruptedException {
    JsonObject[] last = new JsonObject[1];
    await(
        "the router reporting every key on its owner in " + ids,
        () -> settledOn(last[0] = rebalance(), ids),
        () -> String.valueOf(last[0]) + routerLogTail(15));
    return last[0];
  }

  /** A node's live key count ({@code /admin/stats}), or -1 while it does not answer. */
  long keysOn(String id) {
    Http.Reply r = http.send("GET", ports.get(id), "/admin/stats", null);
    return r.status() == 200 ? new JsonObject(r.body()).getLong("keys", -1L) : -1;
  }

  /** Polls a node's key count until {@code until} holds; returns the count that did. */
  long awaitKeysOn(String id, String what, LongPredicate until) throws InterruptedException {
    long[] n = {-1};
    await(
        id + " holding " + what,
        () -> until.test(n[0] = keysOn(id)),
        () -> id + " has " + n[0] + " keys; " + rebalance(),
        5);
    return n[0];
  }

  /** Every live pair on one node, read from the node itself ({@code GET /kv}). */
  Map<String, String> listing(String id) {
    Http.Reply r = http.send("GET", ports.get(id), "/kv", null);
    if (r.status() != 200) throw new AssertionError("listing " + id + ": " + r);
    JsonObject pairs = new JsonObject(r.body());
    Map<String, String> out = new HashMap<>(pairs.size() * 2);
    for (Map.Entry<String, Object> e : pairs) out.put(e.getKey(), JudgedOps.valueOf(e.getValue()));
    return out;
  }

  /** Listings of every node that is running. */
  Map<String, Map<String, String>> listings() {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (String id : ports.keySet()) if (nodeUp(id)) all.put(id, listing(id));
    return all;
  }

  /** Stores {@code pairs} through the router's {@code /admin/import} (ordinary PUTs). */
  void importThroughRouter(Map<String, String> pairs) {
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, String> e : pairs.entrySet())
      lines
          .append(new JsonObject().put("key", e.getKey()).put("value", e.getValue()).encode())
          .append('\n');
    Http.Reply r = http.send("POST", routerPort, "/admin/import", lines.toString());
    if (r.status() != 200 || new JsonObject(r.body()).getLong("imported") != pairs.size())
      throw new AssertionError("import of " + pairs.size() + " pairs: " + r);
  }

  /**
   * {@link #importThroughRouter} in slices of 250, each sent again until it is stored (within the
   * deadline): a quorum write on a busy machine can miss a node's first answers while it warms up,
   * and an import repeated changes nothing.
   */
  void importThroughRouterInSlices(Map<String, String> pairs) throws InterruptedException {
    List<Map.Entry<String, String>> all = new ArrayList<>(pairs.entrySet());
    for (int from = 0; from < all.size(); from += 250) {
      Map<String, String> slice = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : all.subList(from, Math.min(all.size(), from + 250)))
        slice.put(e.getKey(), e.getValue());
      String[] lastError = {""};
      await(
          "a slice of " + slice.size() + " pairs imported",
          () -> {
            try {
              importThroughRouter(slice);
              return true;
            } catch (AssertionError e) {
              lastError[0] = e.getMessage();
              return false;
            }
          },
          () -> lastError[0]);
    }
  }

  // ---- waiting

  static void await(String what, BooleanSupplier done, Supplier<String> state)
      throws InterruptedException {
    await(what, done, state, 50);
  }

  /**
   * Polls {@code done} until it holds or {@link #DEADLINE_MS} passes. The pause only spaces out the
   * polls; no outcome depends on how long it is.
   */
  static void await(String what, BooleanSupplier done, Supplier<String> state, long pollMs)
      throws InterruptedException {
    Await.until(what, Duration.ofMillis(DEADLINE_MS), done, state);
  }
}
