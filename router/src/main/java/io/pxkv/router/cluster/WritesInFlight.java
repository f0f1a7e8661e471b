package io.pxkv.router.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The writes (PUTs, DELETEs, imported pairs) one {@link ClusterView} routed that are not answered
 * yet, so that a layout swap can wait until none is left ({@link RingHolder#swap}).
 *
 * <p>Why: the rebalancer starts moving keys once every router event loop routes by the new layout.
 * A write the old layout routed is on its way to the key's old owner; if it landed there after the
 * rebalancer had read that key's page, it would be acknowledged and then left behind when the key
 * moved. Each call ends within its deadline, so the wait is bounded by it, and is usually a round
 * trip.
 *
 * <p>Confined to the event loop of the verticle that owns the view.
 */
public final class WritesInFlight {
  private int count;
  private Promise<Void> drained;

  /** Counts {@code write} until it completes, successfully or not; returns it. */
  public <T> Future<T> track(Future<T> write) {
    count++;
    write.onComplete(
        ignored -> {
          count--;
          if (count == 0 && drained != null) {
            Promise<Void> waiting = drained;
            drained = null; // a later wait, after new writes, needs a promise of its own
            waiting.complete();
          }
        });
    return write;
  }

  /** Completes once no tracked write is in flight: at once if none is. */
  public Future<Void> drained() {
    if (count == 0) return Future.succeededFuture();
    if (drained == null) drained = Promise.promise();
    return drained.future();
  }
}
