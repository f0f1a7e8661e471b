package io.pxkv.node.cluster;

import java.util.function.LongSupplier;

/**
 * Which router may change this node's view (docs/ARCHITECTURE.md, "Several routers"): a lease a
 * router takes for a few seconds and renews while it coordinates. The node grants it to one router
 * at a time: to the router asking when nobody holds it or the holder's lease ran out, and to the
 * holder again to renew it. A view change (prepare, open) that names another router than a live
 * holder is refused, so a router that lost its lease, say paused past its end, cannot change a view
 * another router now leads.
 *
 * <p>Kept in memory only: a node that restarts forgets its holder and grants the lease to whoever
 * asks first. That is safe because of the fencing above, not because of the lease: a router whose
 * lease a restart forgot and another router took is refused like any former holder.
 */
public final class CoordinatorLease {
  /** What a request for the lease got: whether it is the asker's now, and who holds it. */
  public record Answer(boolean granted, String holder, long remainingMs) {}

  private final LongSupplier nanos;
  private String holder;
  private long endsAtNanos;

  public CoordinatorLease() {
    this(System::nanoTime);
  }

  CoordinatorLease(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** Grants or renews the lease to {@code router} for {@code ms} if nobody else holds it. */
  public synchronized Answer take(String router, long ms) {
    long now = nanos.getAsLong();
    if (holder == null || holder.equals(router) || now - endsAtNanos >= 0) {
      holder = router;
      endsAtNanos = now + ms * 1_000_000L;
      return new Answer(true, router, ms);
    }
    return new Answer(false, holder, remainingMs(now));
  }

  /** Gives the lease up if {@code router} holds it. */
  public synchronized void release(String router) {
    if (router.equals(holder)) holder = null;
  }

  /**
   * Whether a view change from {@code router} may go ahead: nobody holds a live lease, or {@code
   * router} does. A call that names no router ({@code null}) goes ahead only when nobody does.
   */
  public synchronized boolean admits(String router) {
    String live = liveHolder();
    return live == null || live.equals(router);
  }

  /** The router holding a live lease, or null. */
  public synchronized String liveHolder() {
    return holder != null && nanos.getAsLong() - endsAtNanos < 0 ? holder : null;
  }

  private long remainingMs(long now) {
    return Math.max(0, (endsAtNanos - now) / 1_000_000L);
  }
}
