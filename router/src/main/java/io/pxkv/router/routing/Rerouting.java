package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Runs a call routed by a view, and routes it again when a node refuses the view as stale ({@link
 * StaleView}): with the newer view once it is published, or, when the node is the one behind, once
 * the coordinator has brought it up to date. A refused call was not served, so running it again is
 * safe. For a newer view, a few times at most; for a node behind, as long as the call's deadline
 * allows (a new leader may first have to wait out the dead one's lease).
 */
public final class Rerouting {
  /** How often one call is routed again for a newer view before it gives up. */
  private static final int MAX_REROUTES = 4;

  private final Views views;
  private final long timeoutMs;

  public Rerouting(Views views, long timeoutMs) {
    this.views = views;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Runs {@code attempt} with the current view (waiting for the first one after a start), and again
   * with a newer one while nodes refuse it as stale.
   */
  public <T> Future<T> routed(Function<ClusterView, Future<T>> attempt) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    ClusterView now = views.current();
    Future<ClusterView> view =
        now != null
            ? Future.succeededFuture(now)
            : views.next(-1, timeoutMs).recover(e -> Future.failedFuture(noViewYet()));
    return view.compose(v -> attempt(v, attempt, deadline, 0));
  }

  private <T> Future<T> attempt(
      ClusterView view, Function<ClusterView, Future<T>> attempt, long deadline, int reroutes) {
    return attempt
        .apply(view)
        .transform(
            ar -> {
              if (!(ar.cause() instanceof StaleView stale)) {
                return ar.succeeded()
                    ? Future.succeededFuture(ar.result())
                    : Future.failedFuture(ar.cause());
              }
              long leftMs = (deadline - System.nanoTime()) / 1_000_000;
              // A node behind the view waits for the coordinator to bring it up, which may take
              // until a new router leads (the one that led was killed): as often as the deadline
              // allows. A newer view elsewhere is routed again a few times at most.
              boolean behind = stale.nodeEpoch() >= 0 && stale.nodeEpoch() < view.epoch();
              if (leftMs <= 0 || (!behind && reroutes >= MAX_REROUTES)) {
                return Future.failedFuture(StaleView.gaveUp());
              }
              Future<ClusterView> next =
                  behind
                      ? views
                          .nodeBehind(stale.nodeId(), view.epoch())
                          .transform(done -> Future.succeededFuture(views.current()))
                      : views.next(view.epoch(), leftMs);
              int counted = behind ? reroutes : reroutes + 1;
              return next.transform(
                  nv ->
                      nv.succeeded()
                          ? attempt(nv.result(), attempt, deadline, counted)
                          : Future.failedFuture(StaleView.gaveUp()));
            });
  }

  /** What a call gets when no view arrives in time after a start. */
  static KvException noViewYet() {
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "the router has not learned the cluster's state from its nodes yet: are they running?");
  }
}
