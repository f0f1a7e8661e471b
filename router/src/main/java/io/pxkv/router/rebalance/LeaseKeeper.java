package io.pxkv.router.rebalance;

import static java.lang.System.Logger.Level.INFO;

import io.pxkv.common.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This router's claim to lead view changes and moves (docs/ARCHITECTURE.md, "Several routers"): it
 * leads while every node it can reach granted it the coordinator lease ({@code POST
 * /internal/lease}), renewed every {@link #RENEW_MS}. A node grants the lease to one router at a
 * time, so two routers that reach a common node never both lead. When another router holds the
 * lease on some node, this one gives back what it got and tries again after a random pause, so of
 * two routers starting together one soon holds every lease. The lease counts from when the request
 * left, less a margin for clock rates, so this router stops leading before any node would grant the
 * lease to another. Confined to the coordinator's event loop.
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

  private final String id = "router-" + UUID.randomUUID().toString().substring(0, 8);
  private final NodeViews nodes;
  private boolean leading;
  private long validUntilNanos;
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
              String other = null;
              for (int i = 0; i < on.size(); i++) {
                Future<JsonObject> a = asks.get(i);
                if (a.failed()) continue; // unreachable: it cannot take a view change either
                if (a.result().getBoolean("granted", false)) granted.add(on.get(i));
                else other = a.result().getString("holder");
              }
              boolean was = leading;
              if (other == null && !granted.isEmpty()) {
                leading = true;
                validUntilNanos = sent + (LEASE_MS - MARGIN_MS) * 1_000_000L;
              } else {
                leading = false;
                for (NodeInfo n : granted) nodes.releaseLease(n, id);
                long pauseMs = ThreadLocalRandom.current().nextLong(RENEW_MS, 3 * RENEW_MS);
                pauseUntilNanos = System.nanoTime() + pauseMs * 1_000_000L;
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

  /** For {@code /admin/cluster}: this router's name, whether it leads, who else holds a lease. */
  JsonObject status() {
    JsonObject s = new JsonObject().put("router", id).put("leading", leading());
    if (otherHolder != null) s.put("leaseHolder", otherHolder);
    return s;
  }
}
