package io.pxkv.router.rebalance;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.router.cluster.ClusterConfigWatcher;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.rebalance.NodeViews.Seen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The router's one place for membership. The cluster's state (which layout routes, which nodes may
 * still hold keys, the view's epoch) lives on the nodes, not here: on start and every few seconds
 * the coordinator asks the nodes for theirs ({@code GET /internal/view}), routes by the newest one,
 * and changes it when the cluster file asks for another layout. So a restarted router, or one
 * started from another checkout, resumes exactly where the cluster is, and state of another cluster
 * is never picked up: every node keeps its cluster's id and refuses requests for another.
 *
 * <p>A view change is two rounds over every node that may hold keys: prepare (each node stores the
 * new view, stops taking writes of older views, and reports its version clock), then open with the
 * floor, the largest clock reported (each node raises its clock to it before it takes a write of
 * the new view). Every write routed by the new view thus gets a larger version than any earlier
 * write, however the hosts' clocks differ. A change waits until every such node answers: while one
 * is down the old view keeps serving. If a prepare round fails halfway, the nodes it reached would
 * refuse writes; a new view with the old layouts is opened on every node that answers, so they
 * serve again (the same layouts need no floor from the missing node).
 *
 * <p>While the view is moving, the {@link Mover} has every holder push its strays to their owners;
 * once all are done, a settled view (the target, no other holders) takes over. A new cluster file
 * mid-move stops the mover and makes a view that moves toward the newest file, keeping every layout
 * since the last settled one, so reads still find keys wherever they may be.
 *
 * <p>One instance per router process, on its own event loop. One drive of this logic runs at a time
 * ({@link #kick}).
 */
public final class ClusterCoordinator extends VerticleBase {
  private static final System.Logger log = System.getLogger(ClusterCoordinator.class.getName());
  private static final long WATCH_PERIOD_MS = 250;
  private static final long PROGRESS_LOG_MS = 5000;

  /** How soon to look again while something is left to do (a node down, a move running). */
  private static final long RETRY_MS = 1000;

  /** How often the client load is sampled, for the pace of moves. */
  private static final long LOAD_SAMPLE_MS = 250;

  /** How long a router that does not lead waits before looking again at a node that is behind. */
  private static final long BEHIND_WAIT_MS = 200;

  /** How often to look at the nodes when all is settled (to catch a node that fell behind). */
  private static final long IDLE_CHECK_MS = 5000;

  /** Applies a view to every router event loop. */
  public interface RoutingPublisher {
    Future<Void> publish(ClusterState state);
  }

  private final RouterConfig settings;
  private final ClientLoad clients = new ClientLoad();
  private final MovedKeys moved = new MovedKeys();
  private ClusterConfigWatcher watcher;
  private NodeViews nodes;
  private LeaseKeeper lease;
  private long leaseTimer = -1;
  private boolean stopped;
  private Mover mover;
  private ClusterConfig wanted;
  private ClusterState published;
  private long moverEpoch = -1;

  /** The epoch whose move finished: the next drive settles it. */
  private long movedEpoch = -1;

  private String generatedId;
  private String problem;
  private boolean driving;
  private boolean again;
  private long nextDriveTimer = -1;
  private long progressTimer = -1;
  private long loadTimer = -1;
  private List<Promise<Void>> afterDrive = new ArrayList<>();
  private final Promise<Void> firstView = Promise.promise();

  private volatile RoutingPublisher routing;

  public ClusterCoordinator(RouterConfig settings) {
    this.settings = settings;
  }

  /** Where views go; set before deploying this verticle. */
  public void publishTo(RoutingPublisher routing) {
    this.routing = routing;
  }

  @Override
  public Future<?> start() {
    nodes = new NodeViews(vertx, settings);
    lease = new LeaseKeeper(nodes);
    mover =
        new Mover(
            vertx,
            nodes,
            settings.rebalanceKeysPerSecond(),
            settings.rebalanceBusyKeysPerSecond(),
            clients,
            moved);
    wanted = settings.cluster();
    return vertx
        .fileSystem()
        .readFile(settings.clusterFile())
        .otherwise((Buffer) null)
        .onSuccess(
            content -> {
              if (content != null) {
                watcher =
                    new ClusterConfigWatcher(
                        vertx, settings.clusterFile(), WATCH_PERIOD_MS, this::onConfig);
                watcher.start(content);
              }
              kick();
              renewLease();
            })
        .onSuccess(v -> loadTimer = vertx.setPeriodic(LOAD_SAMPLE_MS, id -> clients.sample()))
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (watcher != null) watcher.stop();
    if (progressTimer >= 0) vertx.cancelTimer(progressTimer);
    if (loadTimer >= 0) vertx.cancelTimer(loadTimer);
    if (nextDriveTimer >= 0) vertx.cancelTimer(nextDriveTimer);
    if (leaseTimer >= 0) vertx.cancelTimer(leaseTimer);
    mover.stop();
    return nodes.close();
  }

  /** {@code GET /admin/rebalance}, computed on this verticle's event loop. */
  public Future<JsonObject> statusNow() {
    Promise<JsonObject> result = Promise.promise();
    context.runOnContext(v -> result.complete(status()));
    return result.future();
  }

  /** How far the running move has gone, for reads that may skip the old nodes. */
  public MovedKeys movedKeys() {
    return moved;
  }

  /** Where the router's event loops count client requests, so moves can yield to them. */
  public ClientLoad clientLoad() {
    return clients;
  }

  /** Completes once the router routes by a view of the cluster (any thread may wait on it). */
  public Future<Void> firstView() {
    return firstView.future();
  }

  /**
   * Whether this router leads view changes and moves now (it holds the coordinator lease). Any
   * thread.
   */
  public boolean leads() {
    return lease != null && lease.leading();
  }

  /** Why the newest cluster file was refused, or null. */
  public String configError() {
    return watcher == null ? null : watcher.lastError();
  }

  /** Why the coordinator cannot do what the cluster file asks right now, or null. */
  public String problem() {
    return problem;
  }

  /**
   * A router event loop met a node on a view older than {@code epoch}: look at the nodes now and
   * bring it up to date. Completes once that look is done. Any thread.
   */
  public Future<Void> nodeBehind(String nodeId, long epoch) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          if (lease.leading()) {
            afterDrive.add(done);
            kick();
          } else {
            // Another router (or the next holder of the lease) brings the node up: look again in a
            // moment rather than at once, so a call waits for that instead of giving up.
            vertx.setTimer(
                BEHIND_WAIT_MS,
                t -> {
                  afterDrive.add(done);
                  kick();
                });
          }
        });
    return done.future();
  }

  /**
   * Renews this router's coordinator lease, then asks again when the lease keeper says (every
   * second while leading; when the holder's lease ends, if another router holds it); on losing it,
   * stops moving keys (the router that leads now moves them), on gaining it, looks at the nodes at
   * once.
   */
  private void renewLease() {
    leaseTimer = -1;
    boolean was = lease.leading();
    lease
        .renew(candidates())
        .onSuccess(
            leading -> {
              if (was && !leading) {
                mover.stop();
                moverEpoch = -1;
              } else if (!was && leading) {
                kick();
              }
            })
        .onComplete(
            ar -> {
              if (!stopped) leaseTimer = vertx.setTimer(lease.nextAskInMs(), t -> renewLease());
            });
  }

  private void onConfig(ClusterConfig next) {
    if (next.equals(wanted)) return;
    log.log(INFO, "cluster config changed: " + ids(wanted) + " -> " + ids(next));
    wanted = next;
    kick();
  }

  /** Runs {@link #drive} now, or once more after the running one. */
  private void kick() {
    if (driving) {
      again = true;
      return;
    }
    if (nextDriveTimer >= 0) {
      vertx.cancelTimer(nextDriveTimer);
      nextDriveTimer = -1;
    }
    driving = true;
    again = false;
    List<Promise<Void>> waiting = afterDrive;
    afterDrive = new ArrayList<>();
    drive()
        .onComplete(
            ar -> {
              driving = false;
              if (ar.failed()) {
                problem = ar.cause().getMessage();
                log.log(WARNING, "cluster: " + problem + "; trying again shortly");
              }
              for (Promise<Void> p : waiting) p.tryComplete();
              if (again) {
                kick();
              } else {
                boolean busy = ar.failed() || problem != null || moving();
                nextDriveTimer =
                    vertx.setTimer(
                        busy ? RETRY_MS : IDLE_CHECK_MS,
                        id -> {
                          nextDriveTimer = -1;
                          kick();
                        });
              }
            });
  }

  private boolean moving() {
    return published == null || published.moving() || !wanted.layout().equals(published.target());
  }

  /**
   * One look at the nodes and the step it calls for: adopt the newest view, finish a view change a
   * crash left halfway, bring a node that fell behind up to date, change the layout, or settle a
   * finished move.
   */
  private Future<Void> drive() {
    List<NodeInfo> candidates = candidates();
    return nodes
        .look(candidates)
        .compose(seen -> widen(seen))
        .compose(
            seen -> {
              String id = clusterId(seen);
              if (id == null) return Future.succeededFuture(); // problem says why
              ClusterState base = newestOpen(seen);
              long maxEpoch = maxEpoch(seen);
              if (base == null) {
                return lease.leading() ? first(id, seen, maxEpoch) : Future.succeededFuture();
              }
              problem = null;
              Future<Void> adopted =
                  published == null || published.epoch() != base.epoch()
                      ? publish(base)
                      : Future.succeededFuture();
              // Every router routes by the newest view; only the one holding the lease changes it.
              if (!lease.leading()) return adopted;
              return adopted.compose(v -> step(base, seen, maxEpoch));
            });
  }

  /** Every node the newest views of reachable nodes name, and the cluster file's. */
  private List<NodeInfo> candidates() {
    Map<String, NodeInfo> all = new LinkedHashMap<>();
    for (NodeInfo n : wanted.nodes()) all.put(n.id(), n);
    if (published != null) {
      for (NodeInfo n : published.holders()) all.putIfAbsent(n.id(), n);
    }
    return new ArrayList<>(all.values());
  }

  /** Also asks the nodes that the views found name but that were not asked yet. */
  private Future<List<Seen>> widen(List<Seen> seen) {
    Map<String, NodeInfo> more = new LinkedHashMap<>();
    for (Seen s : seen) {
      for (ClusterState st : new ClusterState[] {s.open(), s.prepared()}) {
        if (st == null) continue;
        for (NodeInfo n : st.holders()) {
          if (seen.stream().noneMatch(x -> x.node().id().equals(n.id()))) more.put(n.id(), n);
        }
      }
    }
    if (more.isEmpty()) return Future.succeededFuture(seen);
    return nodes
        .look(new ArrayList<>(more.values()))
        .map(
            extra -> {
              List<Seen> all = new ArrayList<>(seen);
              all.addAll(extra);
              return all;
            });
  }

  /**
   * The cluster's id: the file's, else the one the nodes keep, else one made up now (stored on the
   * nodes by the first view). Null, with {@link #problem} saying why, when they disagree.
   */
  private String clusterId(List<Seen> seen) {
    Map<String, List<String>> byId = new LinkedHashMap<>();
    for (Seen s : seen) {
      if (s.reachable() && s.clusterId() != null) {
        byId.computeIfAbsent(s.clusterId(), k -> new ArrayList<>()).add(s.node().id());
      }
    }
    String fileId = wanted.clusterId();
    if (byId.size() > 1) {
      problem = "the nodes belong to different clusters: " + describeIds(byId) + "; refusing them";
      log.log(ERROR, "cluster: " + problem);
      return null;
    }
    String nodesId = byId.isEmpty() ? null : byId.keySet().iterator().next();
    if (fileId != null && nodesId != null && !fileId.equals(nodesId)) {
      problem =
          "the cluster file names cluster '"
              + fileId
              + "' but "
              + describeIds(byId)
              + "; refusing them (a node keeps the cluster it first joined)";
      log.log(ERROR, "cluster: " + problem);
      return null;
    }
    if (fileId != null) return fileId;
    if (nodesId != null) return nodesId;
    if (generatedId == null) generatedId = UUID.randomUUID().toString();
    return generatedId;
  }

  private static String describeIds(Map<String, List<String>> byId) {
    List<String> parts = new ArrayList<>();
    byId.forEach((id, ns) -> parts.add(String.join(", ", ns) + " belong to cluster '" + id + "'"));
    return String.join("; ", parts);
  }

  private static ClusterState newestOpen(List<Seen> seen) {
    ClusterState newest = null;
    for (Seen s : seen) {
      if (s.open() != null && (newest == null || s.open().epoch() > newest.epoch())) {
        newest = s.open();
      }
    }
    return newest;
  }

  private static long maxEpoch(List<Seen> seen) {
    long max = 0;
    for (Seen s : seen) max = Math.max(max, s.preparedEpoch());
    return max;
  }

  /** No node has a view yet: the cluster's first one, once every node of the file answers. */
  private Future<Void> first(String id, List<Seen> seen, long maxEpoch) {
    ClusterState first = new ClusterState(id, maxEpoch + 1, wanted.layout(), List.of(), 0);
    List<String> down = unreachable(first.holders(), seen);
    if (!down.isEmpty()) {
      problem = "waiting for " + String.join(", ", down) + " to form the cluster";
      return Future.succeededFuture();
    }
    log.log(INFO, "cluster: forming cluster '" + id + "' on " + ids(wanted));
    return change(first, first.holders());
  }

  private Future<Void> step(ClusterState base, List<Seen> seen, long maxEpoch) {
    boolean ahead = seen.stream().anyMatch(s -> s.reachable() && s.preparedEpoch() > base.epoch());
    List<NodeInfo> behind = new ArrayList<>();
    for (Seen s : seen) {
      if (s.reachable()
          && base.holder(s.node().id()) != null
          && s.openEpoch() < base.epoch()
          && s.preparedEpoch() <= base.epoch()) {
        behind.add(s.node());
      }
    }
    if (!wanted.layout().equals(base.target())) {
      ClusterState next = base.toward(wanted, maxEpoch + 1);
      List<String> down = unreachable(next.holders(), seen);
      if (down.isEmpty()) {
        mover.stop();
        logPlan(base, next);
        return change(next, next.holders());
      }
      problem =
          "waiting for "
              + String.join(", ", down)
              + " to answer before the layout can change (the current one keeps serving)";
    } else if (!ahead && behind.isEmpty() && base.moving()) {
      if (movedEpoch == base.epoch()) {
        ClusterState settled = base.settledView(maxEpoch + 1);
        return change(settled, settled.holders());
      }
      return move(base);
    }
    if (ahead) {
      // A view change stopped halfway: its nodes refuse writes until a newer view opens.
      ClusterState same = base.toward(base.target(), maxEpoch + 1);
      return change(same, reachable(same.holders(), seen));
    }
    if (!behind.isEmpty()) return catchUp(base, behind);
    return Future.succeededFuture();
  }

  /** Starts moving keys for {@code base} unless already at it; the drive after it settles it. */
  private Future<Void> move(ClusterState base) {
    if (moverEpoch == base.epoch()) return Future.succeededFuture();
    moverEpoch = base.epoch();
    startProgressLog();
    log.log(
        INFO, "rebalance: moving keys toward " + ids(base.target()) + " (" + base.describe() + ")");
    mover
        .run(base)
        .onSuccess(
            v -> {
              if (published == null || published.epoch() != base.epoch()) return;
              log.log(INFO, mover.logLine());
              log.log(
                  INFO, "rebalance complete: every key is on its owner in " + ids(base.target()));
              stopProgressLog();
              movedEpoch = base.epoch();
              kick();
            })
        .onFailure(
            e -> {
              if (!(e instanceof Mover.Superseded))
                log.log(ERROR, "rebalance stopped: " + e.getMessage());
              if (moverEpoch == base.epoch()) moverEpoch = -1;
            });
    return Future.succeededFuture();
  }

  /**
   * Makes {@code next} the view of {@code on} (every node that must take it): prepare them all,
   * open them all with the floor, publish to the router's event loops.
   */
  private Future<Void> change(ClusterState next, List<NodeInfo> on) {
    List<Future<Long>> clocks = new ArrayList<>();
    for (NodeInfo n : on) clocks.add(nodes.prepare(n, next, lease.id()));
    return Future.all(clocks)
        .compose(
            prepared -> {
              long floor = 0;
              for (Future<Long> c : clocks) floor = Math.max(floor, c.result());
              ClusterState opened = next.withFloor(floor);
              List<Future<Void>> opens = new ArrayList<>();
              for (NodeInfo n : on) opens.add(nodes.open(n, opened, lease.id()));
              return Future.all(opens).compose(v -> publish(opened));
            })
        .onSuccess(v -> log.log(INFO, "cluster: now on " + next.describe()));
  }

  /** Brings nodes that missed the newest view up to it (they were down while it changed). */
  private Future<Void> catchUp(ClusterState base, List<NodeInfo> behind) {
    List<Future<Void>> all = new ArrayList<>();
    for (NodeInfo n : behind) {
      log.log(INFO, "cluster: " + n.id() + " is behind; bringing it to epoch " + base.epoch());
      all.add(nodes.prepare(n, base, lease.id()).compose(clock -> nodes.open(n, base, lease.id())));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<Void> publish(ClusterState state) {
    published = state;
    if (!state.moving()) moverEpoch = -1;
    return routing.publish(state).onSuccess(v -> firstView.tryComplete());
  }

  private static List<String> unreachable(List<NodeInfo> needed, List<Seen> seen) {
    List<String> down = new ArrayList<>();
    for (NodeInfo n : needed) {
      Seen s = find(seen, n.id());
      if (s == null || !s.reachable()) {
        down.add(n.id() + (s == null ? "" : " (" + s.error() + ")"));
      }
    }
    return down;
  }

  private static List<NodeInfo> reachable(List<NodeInfo> nodes, List<Seen> seen) {
    List<NodeInfo> up = new ArrayList<>();
    for (NodeInfo n : nodes) {
      Seen s = find(seen, n.id());
      if (s != null && s.reachable()) up.add(n);
    }
    return up;
  }

  private static Seen find(List<Seen> seen, String id) {
    for (Seen s : seen) {
      if (s.node().id().equals(id)) return s;
    }
    return null;
  }

  private void logPlan(ClusterState base, ClusterState next) {
    log.log(INFO, "cluster: changing the layout: " + base.describe() + " => " + next.describe());
    RebalancePlan plan = RebalancePlan.between(base.target().ring(), next.target().ring());
    for (String line : plan.describe()) log.log(INFO, "rebalance plan: " + line);
  }

  private JsonObject status() {
    JsonObject s = mover.status();
    String phase;
    if (published == null) {
      phase = "starting";
    } else if (!moving()) {
      phase = "done";
    } else if (problem != null && mover.phase().equals("idle")) {
      phase = "waiting";
    } else {
      phase = mover.phase().equals("idle") ? "starting" : mover.phase();
    }
    s.put("phase", phase);
    s.put("target", wanted.layout().toJson());
    if (published != null) {
      s.put("clusterId", published.clusterId());
      s.put("epoch", published.epoch());
      s.put("routing", published.target().toJson());
      s.put("settled", published.settled().toJson());
      JsonArray holders = new JsonArray();
      for (NodeInfo n : published.holders()) holders.add(n.id());
      s.put("holders", holders);
      if (published.moving()) {
        RebalancePlan plan =
            RebalancePlan.between(published.settled().ring(), published.target().ring());
        s.put("plan", plan.toJson()).put("movedShare", plan.movedShare());
      }
    }
    s.put("coordinator", lease.status());
    if (problem != null) s.put("problem", problem);
    if (configError() != null) s.put("configError", configError());
    return s;
  }

  private void startProgressLog() {
    if (progressTimer >= 0) return;
    progressTimer = vertx.setPeriodic(PROGRESS_LOG_MS, id -> log.log(INFO, mover.logLine()));
  }

  private void stopProgressLog() {
    if (progressTimer >= 0) vertx.cancelTimer(progressTimer);
    progressTimer = -1;
  }

  private static String ids(ClusterConfig c) {
    return c.nodes().stream().map(NodeInfo::id).toList().toString();
  }
}
