package io.pxkv.router.rebalance;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.RouterConfig;
import io.pxkv.router.cluster.ClusterConfigWatcher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The router's one place for membership: it watches the cluster file, decides the routing every
 * {@code RouterVerticle} uses, runs the {@link Rebalancer} and remembers, in a state file, what a
 * restarted router must finish.
 *
 * <p>On a valid new config it logs the plan, makes the new ring the routing target at once (writes
 * go to new owners, reads fall back to the other holders on a miss), and sweeps until every key is
 * on its owner; then it forgets the old holders, and a removed node is no longer used. A config
 * change during a sweep restarts the sweep toward the newest target, with every holder seen since
 * the cluster last settled.
 *
 * <p>One instance per router process, on its own event loop; the state file is written with {@code
 * executeBlocking}.
 */
public final class ClusterCoordinator extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ClusterCoordinator.class);
  private static final long WATCH_PERIOD_MS = 1000;
  private static final long PROGRESS_LOG_MS = 5000;

  /**
   * Applies a routing to every router event loop: the target layout and the nodes that may hold
   * keys.
   */
  public interface RoutingPublisher {
    /** {@code moving}: keys may still be off their owners, on any of {@code holders}. */
    Future<Void> publish(ClusterConfig target, List<NodeInfo> holders, boolean moving);
  }

  private final RouterConfig settings;
  private final Path stateFile;
  private final long keysPerSecond;
  private ClusterConfigWatcher watcher;
  private Rebalancer rebalancer;
  private RebalanceState state;
  private ClusterConfig target;
  private RebalancePlan plan;
  private long progressTimer = -1;

  private volatile RoutingPublisher routing;

  /**
   * A coordinator for {@code settings}; its state file lives in {@code settings.stateDir()} (none
   * if null).
   */
  public ClusterCoordinator(RouterConfig settings) {
    this.settings = settings;
    this.stateFile =
        settings.stateDir() == null ? null : Path.of(settings.stateDir(), RebalanceState.FILE_NAME);
    this.keysPerSecond = settings.rebalanceKeysPerSecond();
  }

  /** Where routings go; set before deploying this verticle. */
  public void publishTo(RoutingPublisher routing) {
    this.routing = routing;
  }

  @Override
  public Future<?> start() {
    rebalancer = new Rebalancer(vertx, settings, keysPerSecond);
    target = settings.cluster();
    return vertx
        .executeBlocking(this::loadState)
        .compose(
            loaded -> {
              state = loaded.state();
              if (loaded.clusterFile() != null) {
                watcher =
                    new ClusterConfigWatcher(
                        vertx, settings.clusterFile(), WATCH_PERIOD_MS, this::onConfig);
                watcher.start(loaded.clusterFile());
              }
              if (state.unsettled(target)) {
                log.info(
                    "rebalance: resuming toward "
                        + describe(target)
                        + " (settled layout: "
                        + describe(state.settled())
                        + ")");
                return resume();
              }
              return routing.publish(target, target.nodes(), false);
            });
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) watcher.stop();
    if (progressTimer >= 0) vertx.cancelTimer(progressTimer);
    return rebalancer == null ? Future.succeededFuture() : rebalancer.close();
  }

  /** {@code GET /admin/rebalance}, computed on this verticle's event loop. */
  public Future<JsonObject> statusNow() {
    Promise<JsonObject> result = Promise.promise();
    context.runOnContext(v -> result.complete(status()));
    return result.future();
  }

  private JsonObject status() {
    JsonObject s =
        rebalancer == null ? new JsonObject().put("phase", "starting") : rebalancer.status();
    s.put("target", describeJson(target));
    if (state != null) {
      s.put("settled", describeJson(state.settled()));
      JsonArray holders = new JsonArray();
      for (NodeInfo n : state.holders()) holders.add(n.id());
      s.put("holders", holders);
    }
    if (plan != null) s.put("plan", plan.toJson()).put("movedShare", plan.movedShare());
    if (watcher != null && watcher.lastError() != null) s.put("configError", watcher.lastError());
    return s;
  }

  /** Why the newest cluster file was refused, or null. */
  public String configError() {
    return watcher == null ? null : watcher.lastError();
  }

  private void onConfig(ClusterConfig next) {
    if (next.equals(target)) return;
    log.info("cluster config changed: " + describe(target) + " -> " + describe(next));
    RebalancePlan change =
        RebalancePlan.between(ConsistentHashRing.of(target), ConsistentHashRing.of(next));
    for (String line : change.describe()) log.info("rebalance plan: " + line);
    target = next;
    beginToward(next)
        .onFailure(
            e ->
                log.error(
                    "rebalance: cannot start toward " + describe(next) + ": " + e.getMessage()));
  }

  /**
   * Start-up with keys possibly off their owners. Routing for the move is published at once, with
   * every node that may hold keys, so that reads fall back to them from the first request; the move
   * itself starts once every holder has given a clock reading, which waits (retrying) for any
   * holder that is down. The router serves meanwhile: a key that may sit on an unreachable holder
   * gets 503, the rest is served. Nothing moves before the readings, so routing early is safe: a
   * delete meanwhile removes the key from every holder, leaving no older copy to move back.
   */
  private Future<Void> resume() {
    return routing
        .publish(target, state.target(target).holders(), true)
        .onSuccess(
            v ->
                beginToward(target)
                    .onFailure(
                        e ->
                            log.error(
                                "rebalance: cannot resume toward "
                                    + describe(target)
                                    + ": "
                                    + e.getMessage())));
  }

  /**
   * Takes clock readings from new holders, records the target and its holders durably, routes by
   * it, then sweeps in the background. Completes once routing has switched.
   */
  private Future<Void> beginToward(ClusterConfig next) {
    RebalanceState moving = state.target(next);
    plan =
        RebalancePlan.between(ConsistentHashRing.of(moving.settled()), ConsistentHashRing.of(next));
    Promise<Void> routed = Promise.promise();
    startProgressLog();
    rebalancer
        .run(
            next,
            moving.holders(),
            plan,
            ConsistentHashRing.of(moving.settled()).shares(),
            moving,
            withReadings ->
                saveState(withReadings)
                    .compose(v -> routing.publish(next, withReadings.holders(), true))
                    .onComplete(routed))
        .compose(done -> settle(next))
        .onFailure(
            e -> {
              routed.tryFail(e);
              if (!(e instanceof Rebalancer.Superseded))
                log.error("rebalance stopped: " + e.getMessage());
            });
    return routed.future();
  }

  private Future<Void> settle(ClusterConfig done) {
    if (!done.equals(target)) return Future.succeededFuture();
    log.info(rebalancer.logLine());
    log.info("rebalance complete: every key is on its owner in " + describe(done));
    stopProgressLog();
    return saveState(RebalanceState.settledOn(done))
        .compose(v -> routing.publish(done, done.nodes(), false));
  }

  private Future<Void> saveState(RebalanceState next) {
    return vertx
        .executeBlocking(
            () -> {
              if (stateFile != null) next.save(stateFile);
              return null;
            })
        .<Void>mapEmpty()
        .onSuccess(v -> state = next);
  }

  private record Loaded(RebalanceState state, Buffer clusterFile) {}

  /** Blocking: the saved state (or a settled one on a first start) and the cluster file as read. */
  private Loaded loadState() throws java.io.IOException {
    RebalanceState loaded;
    if (stateFile != null && Files.exists(stateFile)) {
      loaded = RebalanceState.load(stateFile);
    } else {
      loaded = RebalanceState.settledOn(target);
      if (stateFile != null) loaded.save(stateFile);
    }
    Path file = Path.of(settings.clusterFile());
    Buffer content = Files.exists(file) ? Buffer.buffer(Files.readAllBytes(file)) : null;
    return new Loaded(loaded, content);
  }

  private void startProgressLog() {
    if (progressTimer >= 0) return;
    progressTimer = vertx.setPeriodic(PROGRESS_LOG_MS, id -> log.info(rebalancer.logLine()));
  }

  private void stopProgressLog() {
    if (progressTimer >= 0) vertx.cancelTimer(progressTimer);
    progressTimer = -1;
  }

  private static String describe(ClusterConfig c) {
    return c.nodes().stream().map(NodeInfo::id).toList().toString();
  }

  private static JsonObject describeJson(ClusterConfig c) {
    return RebalanceState.toJson(c);
  }
}
