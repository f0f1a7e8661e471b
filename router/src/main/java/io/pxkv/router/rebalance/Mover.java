package io.pxkv.router.rebalance;

import static java.lang.System.Logger.Level.WARNING;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.client.ViewTag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Moves every key of a view to its owner in the target: asks each node that may hold keys, all at
 * once, to push the keys it holds but does not own to their owners ({@code POST
 * /internal/push-strays}), batch after batch, until each has walked all its keys. The data goes
 * from node to node; the router only says when and how fast. A node copies a batch to the owners
 * first (they keep whichever version is newer, and a tombstone beats an older copy) and lets go of
 * it only then, and only of what it still holds unchanged, so a key is never on no node. Every call
 * carries the view's tag: after a view change the nodes refuse the old view's pushes, and the
 * coordinator starts a new run for the new view.
 *
 * <p>Fast when nobody waits, gentle when clients do: while the router takes no client request, the
 * nodes push large batches paced to {@code idleKeysPerSecond} over all nodes together; while it
 * does ({@link ClientLoad}), small batches paced to {@code busyKeysPerSecond}, so a node never
 * spends long on a batch while client reads wait behind it. A failed call is retried with backoff
 * until it works or {@link #stop} is called. Confined to the coordinator's event loop.
 */
final class Mover {
  private static final System.Logger log = System.getLogger(Mover.class.getName());

  /** Strays one push call moves at most when the router takes no client request. */
  static final int IDLE_BATCH = 10_000;

  /** ... and while it does: a batch a node handles in a few milliseconds. */
  static final int BUSY_BATCH = 250;

  private static final long RETRY_MIN_MS = 250;
  private static final long RETRY_MAX_MS = 5000;

  /** Why a run stopped early: a newer view took over. */
  static final class Superseded extends RuntimeException {
    Superseded() {
      super("superseded by a newer view", null, false, false);
    }
  }

  private final Vertx vertx;
  private final NodeViews nodes;
  private final long idleKeysPerSecond;
  private final long busyKeysPerSecond;
  private final ClientLoad clients;
  private final MovedKeys moved;
  private long run;
  private RebalanceProgress progress;
  private String phase = "idle";
  private long pacedUntilNanos;

  Mover(
      Vertx vertx,
      NodeViews nodes,
      long idleKeysPerSecond,
      long busyKeysPerSecond,
      ClientLoad clients,
      MovedKeys moved) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.idleKeysPerSecond = idleKeysPerSecond;
    this.busyKeysPerSecond = busyKeysPerSecond;
    this.clients = clients;
    this.moved = moved;
  }

  /**
   * Moves every stray of {@code state} to its owner. Completes once every holder walked all its
   * keys; fails with {@link Superseded} if {@link #run} or {@link #stop} is called first.
   */
  Future<Void> run(ClusterState state) {
    long mine = ++run;
    phase = "moving";
    ViewTag tag = new ViewTag(state.clusterId(), state.epoch());
    List<NodeInfo> holders = state.holders();
    progress = new RebalanceProgress(-1, -1, holders.size());
    moved.start(state.epoch());
    // The estimate is for the progress report only: the push starts at once, not after it.
    countKeys(mine, holders)
        .onSuccess(
            keysPerNode -> {
              long total = keysPerNode.values().stream().mapToLong(Long::longValue).sum();
              ConsistentHashRing settled = state.settled().ring();
              RebalancePlan plan = RebalancePlan.between(settled, state.target().ring());
              if (mine == run) {
                progress.estimate(plan.estimatedKeys(keysPerNode, settled.shares()), total);
              }
            });
    List<Future<Void>> all = new ArrayList<>();
    for (NodeInfo h : holders) all.add(drain(mine, tag, h, null));
    return Future.all(all).<Void>mapEmpty().onSuccess(v -> phase = "done");
  }

  /** Abandons the running move, if any. */
  void stop() {
    run++;
    phase = "idle";
  }

  String phase() {
    return phase;
  }

  JsonObject status() {
    JsonObject s = new JsonObject().put("phase", phase);
    if (progress != null) s.put("progress", progress.toJson());
    return s;
  }

  String logLine() {
    return progress == null ? "rebalance: " + phase : progress.logLine();
  }

  /**
   * Pushes {@code node}'s strays from {@code after} on, batch by batch, until it walked them all.
   */
  private Future<Void> drain(long mine, ViewTag tag, NodeInfo node, String after) {
    boolean busy = clients.busy();
    // A batch never holds more than a quarter second of the pace, so the first push of a slow
    // move is as gentle as the rest.
    long perSecond = busy ? busyKeysPerSecond : idleKeysPerSecond;
    long limit = Math.max(1, Math.min(busy ? BUSY_BATCH : IDLE_BATCH, perSecond / 4));
    String uri =
        "/internal/push-strays?limit="
            + limit
            + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
    return retrying(
            mine,
            () ->
                nodes
                    .call(node, tag, HttpMethod.POST, uri, null)
                    .map(reply -> new JsonObject(reply.body())))
        .compose(
            pushed -> {
              long count = pushed.getLong("moved", 0L);
              progress.keysScanned += pushed.getLong("scanned", 0L);
              progress.keysMoved += count;
              progress.bytesMoved += pushed.getLong("bytes", 0L);
              progress.keysAlreadyNewer += pushed.getLong("alreadyNewer", 0L);
              String next = pushed.getString("next");
              this.moved.pushedUpTo(tag.epoch(), node.id(), next);
              if (next == null) {
                progress.nodesDone++;
                return Future.succeededFuture();
              }
              return pace(count).compose(v -> drain(mine, tag, node, next));
            });
  }

  /** Retries {@code step} with a growing pause until it works or this run is superseded. */
  private <T> Future<T> retrying(long mine, Supplier<Future<T>> step) {
    Promise<T> result = Promise.promise();
    attempt(mine, step, result, RETRY_MIN_MS);
    return result.future();
  }

  private <T> void attempt(long mine, Supplier<Future<T>> step, Promise<T> result, long pauseMs) {
    if (mine != run) {
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
              if (mine == run && !phase.equals("waiting")) {
                log.log(WARNING, "rebalance: " + e.getMessage() + "; retrying every few seconds");
                phase = "waiting";
              }
              vertx.setTimer(
                  pauseMs, t -> attempt(mine, step, result, Math.min(RETRY_MAX_MS, pauseMs * 2)));
            });
  }

  /** Waits as long as needed to keep the keys moved under the pace of the moment, on average. */
  private Future<Void> pace(long keys) {
    long now = System.nanoTime();
    long perSecond = clients.busy() ? busyKeysPerSecond : idleKeysPerSecond;
    pacedUntilNanos = Math.max(pacedUntilNanos, now) + keys * 1_000_000_000L / perSecond;
    long waitMs = (pacedUntilNanos - now) / 1_000_000;
    if (waitMs < 1) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    vertx.setTimer(waitMs, t -> p.complete());
    return p.future();
  }

  private Future<Map<String, Long>> countKeys(long mine, List<NodeInfo> holders) {
    Map<String, Long> counts = new LinkedHashMap<>();
    List<Future<Void>> all = new ArrayList<>();
    for (NodeInfo n : holders) {
      all.add(
          retrying(mine, () -> nodes.get(n, "/admin/stats"))
              .map(
                  stats -> {
                    counts.put(n.id(), stats.getLong("keys", 0L));
                    return null;
                  }));
    }
    return Future.all(all).map(v -> counts);
  }
}
