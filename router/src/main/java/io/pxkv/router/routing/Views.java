package io.pxkv.router.routing;

import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.rebalance.MovedKeys;
import io.vertx.core.Future;

/**
 * Where a request finds the view to route by: the current one, a newer one once it is published,
 * and the coordinator's help when a node turns out to have missed a view change. Used on the
 * request's event loop.
 */
public interface Views {
  /** The view to route by now, or null before the router has learned the cluster's state. */
  ClusterView current();

  /**
   * The first view newer than {@code epoch} (any view for a negative one), within {@code waitMs}.
   */
  Future<ClusterView> next(long epoch, long waitMs);

  /**
   * A node answered that it is on an older view than {@code epoch}: it was down or cut off while
   * the view changed. Completes once the coordinator has brought it up to date (or gave up).
   */
  Future<Void> nodeBehind(String nodeId, long epoch);

  /**
   * Whether this router leads the cluster's background work (view changes, moves, anti-entropy):
   * with several routers, one does it.
   */
  default boolean leads() {
    return true;
  }

  /** How far the move of the current view has gone, node by node. */
  MovedKeys moved();
}
