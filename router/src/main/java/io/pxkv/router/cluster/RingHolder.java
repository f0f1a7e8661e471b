package io.pxkv.router.cluster;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.RouterConfig;
import io.pxkv.router.forward.NodeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the current {@link ClusterView} and replaces it atomically with {@link #swap}: the new ring
 * and clients are built first, published in one step, and only then are the clients of nodes that
 * left closed. Clients of nodes that stayed (same id and URL) are kept, with their warm
 * connections.
 *
 * <p>Threading: each {@code RouterVerticle} owns one holder and calls {@link #swap} on its own
 * event loop; {@link #current} may be read from any thread.
 */
public final class RingHolder {
  private final Vertx vertx;
  private final RouterConfig settings;
  private final AtomicReference<ClusterView> current = new AtomicReference<>();

  public RingHolder(Vertx vertx, RouterConfig settings) {
    this.vertx = vertx;
    this.settings = settings;
    current.set(build(settings.cluster(), settings.cluster().nodes(), false, Map.of()));
  }

  public ClusterView current() {
    return current.get();
  }

  /**
   * Publishes a view that routes by {@code next} and knows {@code holders} (every node that may
   * hold keys: more than {@code next}'s nodes while keys move); completes once every write the old
   * view routed has been answered (see {@link WritesInFlight}) and the clients of nodes that left
   * are closed.
   */
  public Future<Void> swap(ClusterConfig next, List<NodeInfo> holders, boolean moving) {
    ClusterView old = current.get();
    ClusterView fresh = build(next, holders, moving, old.byId());
    current.set(fresh);
    return old.writes().drained().compose(drained -> closeLeavers(old, fresh));
  }

  private static Future<Void> closeLeavers(ClusterView old, ClusterView fresh) {
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeClient c : old.clients()) {
      if (fresh.byId().get(c.node().id()) != c) {
        closing.add(c.close());
      }
    }
    return Future.join(closing).mapEmpty();
  }

  /** Closes every client of the current view. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeClient c : current.get().clients()) {
      closing.add(c.close());
    }
    return Future.join(closing).mapEmpty();
  }

  private ClusterView build(
      ClusterConfig config,
      List<NodeInfo> holders,
      boolean moving,
      Map<String, NodeClient> reusable) {
    ConsistentHashRing ring = ConsistentHashRing.of(config);
    List<NodeClient> clients = new ArrayList<>();
    Map<String, NodeClient> byId = new LinkedHashMap<>();
    Map<String, NodeClient> keep = new HashMap<>(reusable);
    List<NodeInfo> all = new ArrayList<>(config.nodes());
    for (NodeInfo h : holders) {
      if (config.node(h.id()) == null) all.add(h);
    }
    for (NodeInfo node : all) {
      NodeClient existing = keep.get(node.id());
      NodeClient client =
          existing != null && existing.node().equals(node)
              ? existing
              : new NodeClient(
                  vertx,
                  node,
                  settings.timeoutMs(),
                  settings.connectTimeoutMs(),
                  settings.poolSize(),
                  settings.pipelining());
      clients.add(client);
      byId.put(node.id(), client);
    }
    return new ClusterView(config, ring, clients, byId, moving, new WritesInFlight());
  }
}
