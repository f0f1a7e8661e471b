package io.pxkv.router.rebalance;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.VersionedItem;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.RouterConfig;
import io.pxkv.router.forward.NodeClient;
import io.pxkv.router.forward.NodeReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Moves every key that is not on its owner to its owner, and keeps at it until done: the executor
 * of a {@link RebalancePlan}.
 *
 * <p>It sweeps the nodes that may hold keys (the holders: every node seen since the cluster last
 * settled) one after another. For each page of a node's keys ({@code GET /kv?limit=&cursor=}, with
 * versions) it copies the keys the node no longer owns to their owners with {@code POST
 * /internal/import} (the owner keeps whichever version is newer, and a tombstone beats an older
 * copy), then removes them from the node with {@code POST /internal/remove}, which deletes a key
 * only if it still has the version that was copied. So a write or delete made through the router
 * during the move always wins, and a key is never absent from both nodes: the copy lands before the
 * original goes.
 *
 * <p>Sweeping whole nodes rather than only the arcs that changed makes it indifferent to history: a
 * sweep interrupted by a router restart, a node that was down, or several config changes in a row
 * all end the same way, with every key on its owner. A failed call is retried after a pause until
 * it works or a newer target replaces this one. Moves are paced to {@code keysPerSecond}.
 *
 * <p>Confined to one event loop (the coordinator's).
 */
final class Rebalancer {
  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
  private static final int PAGE = 500;
  private static final long RETRY_MIN_MS = 250;
  private static final long RETRY_MAX_MS = 5000;
  private static final String NDJSON = "application/x-ndjson";

  private final Vertx vertx;
  private final RouterConfig settings;
  private final long keysPerSecond;
  private final Map<String, NodeClient> clients = new HashMap<>();
  private long epoch;
  private RebalanceProgress progress;
  private String phase = "idle";
  private long pacedUntilNanos;

  Rebalancer(Vertx vertx, RouterConfig settings, long keysPerSecond) {
    this.vertx = vertx;
    this.settings = settings;
    this.keysPerSecond = keysPerSecond;
  }

  /** Why a sweep stopped early: a newer target took over. */
  static final class Superseded extends RuntimeException {
    Superseded() {
      super("superseded by a newer cluster config", null, false, false);
    }
  }

  /**
   * Moves keys from {@code holders} until each sits on its owner in {@code target}. Completes when
   * done; fails with {@link Superseded} if {@link #run} or {@link #stop} is called again first.
   */
  Future<Void> run(
      ClusterConfig target,
      List<NodeInfo> holders,
      RebalancePlan plan,
      Map<String, Double> settledShares,
      RebalanceState state,
      Function<RebalanceState, Future<Void>> beforeMoving) {
    long mine = ++epoch;
    phase = "starting";
    return readClocks(mine, state)
        .compose(withReadings -> beforeMoving.apply(withReadings).map(withReadings))
        .compose(
            ready ->
                countKeys(mine, holders)
                    .compose(
                        keysPerNode -> {
                          long total =
                              keysPerNode.values().stream().mapToLong(Long::longValue).sum();
                          progress =
                              new RebalanceProgress(
                                  plan.estimatedKeys(keysPerNode, settledShares),
                                  total,
                                  holders.size());
                          phase = "moving";
                          return sweep(
                              new Sweep(mine, ConsistentHashRing.of(target), target, ready.since()),
                              holders,
                              0);
                        }))
        .onSuccess(v -> phase = "done");
  }

  /** Takes a clock reading from every holder that has none yet (retrying until each answers). */
  private Future<RebalanceState> readClocks(long mine, RebalanceState state) {
    Map<String, Long> readings = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (NodeInfo n : state.withoutReading()) {
      chain =
          chain.compose(
              v ->
                  retrying(mine, () -> call(n, HttpMethod.POST, "/internal/clock", null, null))
                      .map(
                          r -> {
                            readings.put(n.id(), new JsonObject(r.body()).getLong("version"));
                            return null;
                          }));
    }
    return chain.map(v -> state.withReadings(readings));
  }

  /** One sweep's fixed inputs. */
  private record Sweep(
      long epoch, ConsistentHashRing ring, ClusterConfig target, Map<String, Long> since) {}

  /** Abandons the running sweep, if any. */
  void stop() {
    epoch++;
    phase = "idle";
  }

  JsonObject status() {
    JsonObject s = new JsonObject().put("phase", phase);
    if (progress != null) s.put("progress", progress.toJson());
    return s;
  }

  String logLine() {
    return progress == null ? "rebalance: " + phase : progress.logLine();
  }

  boolean active() {
    return phase.equals("moving") || phase.equals("starting") || phase.equals("waiting");
  }

  Future<Void> close() {
    stop();
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeClient c : clients.values()) closing.add(c.close());
    clients.clear();
    return Future.join(closing).mapEmpty();
  }

  private Future<Void> sweep(Sweep sweep, List<NodeInfo> holders, int index) {
    if (sweep.epoch() != epoch) return Future.failedFuture(new Superseded());
    if (index == holders.size()) return Future.succeededFuture();
    NodeInfo node = holders.get(index);
    progress.currentNode = node.id();
    return drain(sweep, node, null)
        .compose(
            v -> {
              progress.nodesDone++;
              return sweep(sweep, holders, index + 1);
            });
  }

  /**
   * Walks one node's keys from {@code cursor}, moving each page's strays before reading the next.
   */
  private Future<Void> drain(Sweep sweep, NodeInfo node, String cursor) {
    String uri = "/kv?limit=" + PAGE + (cursor == null ? "" : "&cursor=" + cursor);
    return retrying(
            sweep.epoch(),
            () ->
                call(node, HttpMethod.GET, uri, null, null)
                    .map(r -> KvJson.parsePage(r.body().getBytes())))
        .compose(
            page ->
                moveStrays(sweep, node, page.items())
                    .compose(moved -> pace(moved))
                    .compose(
                        v ->
                            page.cursor() == null
                                ? Future.succeededFuture()
                                : drain(sweep, node, page.cursor())));
  }

  /** Moves the page's keys that {@code node} does not own; completes with how many moved. */
  private Future<Integer> moveStrays(Sweep sweep, NodeInfo node, List<VersionedItem> items) {
    progress.keysScanned += items.size();
    Map<String, List<VersionedItem>> byOwner = new LinkedHashMap<>();
    for (VersionedItem item : items) {
      String owner = sweep.ring().owner(item.key());
      if (!owner.equals(node.id()))
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(item);
    }
    int strays = 0;
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<VersionedItem>> e : byOwner.entrySet()) {
      strays += e.getValue().size();
      NodeInfo owner = sweep.target().node(e.getKey());
      List<VersionedItem> batch = e.getValue();
      String importUri = "/internal/import?since=" + sweep.since().getOrDefault(owner.id(), 0L);
      chain = chain.compose(v -> moveBatch(sweep.epoch(), node, owner, importUri, batch));
    }
    int moved = strays;
    return chain.map(v -> moved);
  }

  /** Copy to the owner, then remove from the holder only the versions that were copied. */
  private Future<Void> moveBatch(
      long mine, NodeInfo from, NodeInfo to, String importUri, List<VersionedItem> batch) {
    Buffer imports = Buffer.buffer(batch.size() * 64);
    Buffer removals = Buffer.buffer(batch.size() * 48);
    long bytes = 0;
    for (VersionedItem item : batch) {
      byte[] key = KvJson.quote(item.key());
      imports
          .appendString("{\"key\":")
          .appendBytes(key)
          .appendString(",\"value\":")
          .appendBytes(item.value())
          .appendString(",\"version\":")
          .appendString(Long.toString(item.version()))
          .appendString("}\n");
      removals
          .appendString("{\"key\":")
          .appendBytes(key)
          .appendString(",\"version\":")
          .appendString(Long.toString(item.version()))
          .appendString("}\n");
      bytes += key.length + item.value().length;
    }
    long movedBytes = bytes;
    return retrying(mine, () -> call(to, HttpMethod.POST, importUri, NDJSON, imports))
        .compose(
            imported -> {
              JsonObject counts = new JsonObject(imported.body());
              progress.keysAlreadyNewer += counts.getLong("skipped", 0L);
              return retrying(
                  mine, () -> call(from, HttpMethod.POST, "/internal/remove", NDJSON, removals));
            })
        .map(
            removed -> {
              progress.keysMoved += batch.size();
              progress.bytesMoved += movedBytes;
              return null;
            });
  }

  /** Calls a node; anything but a 200 is a failure (retried by the caller). */
  private Future<NodeReply> call(
      NodeInfo node, HttpMethod method, String uri, String type, Buffer body) {
    return client(node)
        .call(method, uri, type, body)
        .compose(
            r ->
                r.status() == 200
                    ? Future.succeededFuture(r)
                    : Future.failedFuture(
                        new IllegalStateException(
                            node.id()
                                + " answered "
                                + r.status()
                                + " to "
                                + method
                                + " "
                                + uri.split("\\?")[0]
                                + ": "
                                + r.body())));
  }

  /** Retries {@code step} with a growing pause until it works or this sweep is superseded. */
  private <T> Future<T> retrying(long mine, Supplier<Future<T>> step) {
    Promise<T> result = Promise.promise();
    attempt(mine, step, result, RETRY_MIN_MS);
    return result.future();
  }

  private <T> void attempt(long mine, Supplier<Future<T>> step, Promise<T> result, long pauseMs) {
    if (mine != epoch) {
      result.tryFail(new Superseded());
      return;
    }
    step.get()
        .onSuccess(
            v -> {
              if (phase.equals("waiting")) phase = "moving";
              result.tryComplete(v);
            })
        .onFailure(
            e -> {
              if (progress != null) progress.lastError = e.getMessage();
              if (mine == epoch && !phase.equals("waiting")) {
                log.warn("rebalance: " + e.getMessage() + "; retrying every few seconds");
                phase = "waiting";
              }
              vertx.setTimer(
                  pauseMs, t -> attempt(mine, step, result, Math.min(RETRY_MAX_MS, pauseMs * 2)));
            });
  }

  /** Waits as long as needed to keep the keys moved under {@code keysPerSecond} on average. */
  private Future<Void> pace(int keys) {
    long now = System.nanoTime();
    pacedUntilNanos = Math.max(pacedUntilNanos, now) + keys * 1_000_000_000L / keysPerSecond;
    long waitMs = (pacedUntilNanos - now) / 1_000_000;
    if (waitMs < 1) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    vertx.setTimer(waitMs, t -> p.complete());
    return p.future();
  }

  private Future<Map<String, Long>> countKeys(long mine, List<NodeInfo> holders) {
    Map<String, Long> counts = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (NodeInfo n : holders) {
      chain =
          chain.compose(
              v ->
                  retrying(mine, () -> call(n, HttpMethod.GET, "/admin/stats", null, null))
                      .map(
                          r -> {
                            counts.put(n.id(), new JsonObject(r.body()).getLong("keys", 0L));
                            return null;
                          }));
    }
    return chain.map(v -> counts);
  }

  private NodeClient client(NodeInfo node) {
    NodeClient c = clients.get(node.id());
    if (c == null || !c.node().equals(node)) {
      if (c != null) c.close();
      c = new NodeClient(vertx, node, settings.timeoutMs(), settings.connectTimeoutMs(), 8, 1);
      clients.put(node.id(), c);
    }
    return c;
  }
}
