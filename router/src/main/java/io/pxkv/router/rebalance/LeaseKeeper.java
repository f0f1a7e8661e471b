package io.pxkv.router.rebalance;

import static java.lang.System.Logger.Level.INFO;

import io.pxkv.common.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This router's claim to lead view changes and moves (docs/ARCHITECTURE.md, "Several routers"): it
 * leads while every node it can reach granted it the coordinator lease ({@code POST
 * /internal/lease}), renewed every {@link #RENEW_MS}. A node grants the lease to one router at a
 * time, so two routers that reach a common node never both lead. When two routers each got some
 * leases, the one that got fewer gives them back and asks again once the other's lease would have
 * run out (as the nodes say), the other asks again shortly ({@link #backOffNanos}). The lease
 * counts from when the request left, less a margin for clock rates, so this router stops leading
 * before any node would grant the lease to another. Confined to the coordinator's event loop.
 */
final class LeaseKeeper {
  private static final System.Logger log = System.getLogger(LeaseKeeper.class.getName());

  /** How long a node grants the lease for. */
  static final long LEASE_MS = 3000;

  /** How often it is renewed: two renewals may fail before it runs out. */
  static final long RENEW_MS = 1000;

  /**
   * Taken off the lease's end: the nodes' and this router's clocks may run at slightly different
   * rates.
   */
  private static final long MARGIN_MS = 500;

  /** How soon a router that keeps its grants against another's asks again. */
  private static final long RETRY_KEEPING_MS = 200;

  private final String id = "router-" + UUID.randomUUID().toString().substring(0, 8);
  private final NodeViews nodes;
  // Written on the coordinator's event loop, read from any (anti-entropy asks whether it leads).
  private volatile boolean leading;
  private volatile long validUntilNanos;
  private long pauseUntilNanos;
  private String otherHolder;

  LeaseKeeper(NodeViews nodes) {
    this.nodes = nodes;
  }

  /** This router's name in leases. */
  String id() {
    return id;
  }

  /** Whether this router leads now: it holds a lease on every node it could reach, not run out. */
  boolean leading() {
    return leading && System.nanoTime() - validUntilNanos < 0;
  }

  /**
   * Takes or renews the lease on {@code on}; completes with whether this router leads afterwards.
   * Never fails.
   */
  Future<Boolean> renew(List<NodeInfo> on) {
    long sent = System.nanoTime();
    if (!leading && sent - pauseUntilNanos < 0) return Future.succeededFuture(false);
    List<Future<JsonObject>> asks = new ArrayList<>();
    for (NodeInfo n : on) asks.add(nodes.lease(n, id, LEASE_MS));
    return Future.join(asks)
        .transform(
            done -> {
              List<NodeInfo> granted = new ArrayList<>();
              Map<String, Integer> heldByOthers = new HashMap<>();
              long otherRemainingMs = 0;
              for (int i = 0; i < on.size(); i++) {
                Future<JsonObject> a = asks.get(i);
                if (a.failed()) continue; // unreachable: it cannot take a view change either
                if (a.result().getBoolean("granted", false)) {
                  granted.add(on.get(i));
                } else {
                  heldByOthers.merge(a.result().getString("holder", "?"), 1, Integer::sum);
                  otherRemainingMs =
                      Math.max(otherRemainingMs, a.result().getLong("remainingMs", LEASE_MS));
                }
              }
              String other = strongest(heldByOthers);
              boolean was = leading;
              if (other == null && !granted.isEmpty()) {
                leading = true;
                validUntilNanos = sent + (LEASE_MS - MARGIN_MS) * 1_000_000L;
              } else {
                leading = false;
                pauseUntilNanos =
                    System.nanoTime()
                        + backOffNanos(other, heldByOthers, otherRemainingMs, granted);
              }
              otherHolder = other;
              if (was != leading) {
                log.log(
                    INFO,
                    leading
                        ? "cluster: " + id + " now leads view changes and moves"
                        : "cluster: "
                            + id
                            + " no longer leads view changes"
                            + (other == null ? "" : " (" + other + " holds the lease)"));
              }
              return Future.succeededFuture(leading);
            });
  }

  /** The router holding the most of the leases this one did not get (ties: the name first). */
  private static String strongest(Map<String, Integer> heldByOthers) {
    String top = null;
    for (Map.Entry<String, Integer> e : heldByOthers.entrySet()) {
      if (top == null
          || e.getValue() > heldByOthers.get(top)
          || e.getValue().equals(heldByOthers.get(top)) && e.getKey().compareTo(top) < 0) {
        top = e.getKey();
      }
    }
    return top;
  }

  /**
   * How long to wait before asking again, in nanoseconds, after {@code other} (null: nobody, yet no
   * node granted it) held the lease on some nodes ({@code heldByOthers}) for up to {@code
   * otherRemainingMs} more. Of two routers that each got some leases, the one that got more (on a
   * tie, whose name sorts first) keeps its grants and asks again shortly; the other gives its back
   * and waits for the holder's lease to end. So a leader that meets a node another router got first
   * (a node added or restarted) stays the leader, routers that start together settle at once, and a
   * router whose leader died takes over as soon as the dead router's lease ends. A little jitter
   * keeps routers that start together apart.
   */
  private long backOffNanos(
      String other,
      Map<String, Integer> heldByOthers,
      long otherRemainingMs,
      List<NodeInfo> granted) {
    long jitterMs = ThreadLocalRandom.current().nextLong(20, 120);
    long waitMs;
    if (other == null) {
      waitMs = RENEW_MS + jitterMs; // no node could be reached
    } else if (keeps(granted.size(), heldByOthers.get(other), other)) {
      waitMs = Math.min(otherRemainingMs, RETRY_KEEPING_MS) + jitterMs;
    } else {
      for (NodeInfo n : granted) nodes.releaseLease(n, id);
      waitMs = otherRemainingMs + jitterMs;
    }
    return waitMs * 1_000_000L;
  }

  /** Whether this router, granted {@code mine} leases, keeps them against {@code other}'s. */
  private boolean keeps(int mine, int others, String other) {
    return mine > others || mine == others && mine > 0 && id.compareTo(other) < 0;
  }

  /**
   * In how many milliseconds this router should ask for the lease next: at its renewal period while
   * it leads, else when its wait ends.
   */
  long nextAskInMs() {
    if (leading) return RENEW_MS;
    return Math.max(1, (pauseUntilNanos - System.nanoTime()) / 1_000_000L);
  }

  /** For {@code /admin/cluster}: this router's name, whether it leads, who else holds a lease. */
  JsonObject status() {
    JsonObject s = new JsonObject().put("router", id).put("leading", leading());
    if (otherHolder != null) s.put("leaseHolder", otherHolder);
    return s;
  }
}
