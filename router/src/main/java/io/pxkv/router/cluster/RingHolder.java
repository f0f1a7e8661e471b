package io.pxkv.router.cluster;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaMoves;
import io.pxkv.common.cluster.ReplicaPlacement;
import io.pxkv.router.client.CallObserver;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.ViewTag;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Holds this event loop's current {@link ClusterView} and replaces it with {@link #swap}: the new
 * view is built first, published in one step, and only then are the clients of nodes that left
 * closed. Clients of nodes that stayed (same id and URL) are kept, with their warm connections.
 * Until the router has learned the cluster's state from its nodes there is no view; {@link #next}
 * lets a request wait for one.
 *
 * <p>Threading: each {@code RouterVerticle} owns one holder and calls {@link #swap} and {@link
 * #next} on its own event loop; {@link #current} may be read from any thread.
 */
public final class RingHolder {
  private final Vertx vertx;
  private final RouterConfig settings;
  private final Function<String, CallObserver> observers;
  private final AtomicReference<ClusterView> current = new AtomicReference<>();
  private List<Promise<ClusterView>> waiting = new ArrayList<>();
  private final FailureDetector detector;

  public RingHolder(Vertx vertx, RouterConfig settings) {
    this(vertx, settings, nodeId -> null);
  }

  /** {@code observers} gives each new node client, by node id, what measures its calls. */
  public RingHolder(Vertx vertx, RouterConfig settings, Function<String, CallObserver> observers) {
    this.vertx = vertx;
    this.settings = settings;
    this.observers = observers;
    this.detector = new FailureDetector(vertx, current::get);
  }

  /** This event loop's view of which nodes are up (heartbeats run while keys are replicated). */
  public FailureDetector detector() {
    return detector;
  }

  /** The view requests use now, or null before the router learned the cluster's state. */
  public ClusterView current() {
    return current.get();
  }

  /**
   * The first view newer than {@code epoch} (any view for a negative epoch), once it is published,
   * or a failure after {@code waitMs}.
   */
  public Future<ClusterView> next(long epoch, long waitMs) {
    ClusterView now = current.get();
    if (now != null && now.epoch() > epoch) return Future.succeededFuture(now);
    Promise<ClusterView> p = Promise.promise();
    waiting.add(p);
    long timer = vertx.setTimer(Math.max(1, waitMs), id -> p.tryFail("no newer view"));
    return p.future()
        .andThen(
            ar -> {
              vertx.cancelTimer(timer);
              waiting.remove(p);
            })
        .compose(
            v ->
                v.epoch() > epoch ? Future.succeededFuture(v) : next(epoch, waitMs)); // rare: older
  }

  /**
   * Publishes a view of {@code state}. The clients of nodes that left close once what is in flight
   * on them has its answer ({@link NodeClient#closeWhenIdle}): a listing still reading such a
   * node's scan, begun by the view before, goes on to its end.
   */
  public Future<Void> swap(ClusterState state) {
    ClusterView old = current.get();
    ClusterView fresh = build(state, old == null ? Map.of() : old.byId());
    current.set(fresh);
    if (fresh.replicated()) detector.start();
    List<Promise<ClusterView>> wake = waiting;
    waiting = new ArrayList<>();
    for (Promise<ClusterView> p : wake) p.tryComplete(fresh);
    if (old != null) {
      for (NodeClient c : old.clients()) {
        if (fresh.byId().get(c.node().id()) != c) c.closeWhenIdle();
      }
    }
    return Future.succeededFuture();
  }

  /** Closes every client of the current view. */
  public Future<Void> close() {
    detector.stop();
    ClusterView view = current.get();
    List<Future<Void>> closing = new ArrayList<>();
    if (view != null) {
      for (NodeClient c : view.clients()) closing.add(c.close());
    }
    for (Promise<ClusterView> p : waiting) p.tryFail("the router is closing");
    return Future.join(closing).mapEmpty();
  }

  private ClusterView build(ClusterState state, Map<String, NodeClient> reusable) {
    List<NodeClient> clients = new ArrayList<>();
    Map<String, NodeClient> byId = new LinkedHashMap<>();
    for (NodeInfo node : state.holders()) {
      NodeClient existing = reusable.get(node.id());
      NodeClient client =
          existing != null && existing.node().equals(node)
              ? existing
              : new NodeClient(
                      vertx,
                      node,
                      settings.timeoutMs(),
                      settings.connectTimeoutMs(),
                      settings.poolSize(),
                      settings.pipelining(),
                      settings.nodeClient().equals("vertx"),
                      settings.security().nodes())
                  .observedBy(observers.apply(node.id()));
      clients.add(client);
      byId.put(node.id(), client);
    }
    ClusterConfig target = state.target();
    ClusterView old = current.get();
    ReplicaPlacement replicas =
        old != null && old.state().target().equals(target)
            ? old.replicas()
            : new ReplicaPlacement(
                target, state.placement().rings().get(state.placement().rings().size() - 1));
    return new ClusterView(
        state,
        state.placement(),
        new ViewTag(state.clusterId(), state.epoch()),
        clients,
        byId,
        replicas,
        ReplicaMoves.of(state));
  }
}
