package io.pxkv.router.cluster;

import io.pxkv.router.client.NodeClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which nodes this event loop believes are up: a heartbeat ({@code GET /health}) to every node of
 * the view every {@link #HEARTBEAT_MS}, and a suspicion timeout. A node is <em>suspected</em> when
 * its last heartbeat or data call failed (refused, timed out, or a 503 from its health), or when no
 * heartbeat has succeeded for {@link #SUSPECT_AFTER_MS} (a stopped process, a partition: its
 * heartbeats are still in flight). The next heartbeat that succeeds clears it.
 *
 * <p>Quorum reads and writes ask suspected nodes last (reads) or not at all (writes, while enough
 * others are up), so a dead or hung node does not make every request wait for its deadline. The
 * state is shown in {@code /admin/cluster}. Heartbeats run only while keys are replicated, so a
 * single-copy cluster sees no extra calls.
 *
 * <p>Threading: one per event loop (each {@code RingHolder}), used only on it.
 */
public final class FailureDetector {
  static final long HEARTBEAT_MS = 500;
  static final long SUSPECT_AFTER_MS = 1500;

  private final Vertx vertx;
  private final Supplier<ClusterView> view;
  private final Map<String, Health> health = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private long timer = -1;

  /** One node's record: when it last answered, when a call to it last failed, and why. */
  private static final class Health {
    long lastOkMs;
    long lastFailMs;
    long watchedSinceMs;
    String reason;
  }

  public FailureDetector(Vertx vertx, Supplier<ClusterView> view) {
    this.vertx = vertx;
    this.view = view;
  }

  /** Starts the heartbeats (again a no-op while they run). */
  public void start() {
    if (timer >= 0 || vertx == null) return;
    timer = vertx.setPeriodic(1, HEARTBEAT_MS, id -> beat());
  }

  public void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  private void beat() {
    ClusterView v = view.get();
    if (v == null) return;
    long now = System.currentTimeMillis();
    for (NodeClient client : v.clients()) {
      String id = client.node().id();
      Health h = health.computeIfAbsent(id, k -> new Health());
      if (h.watchedSinceMs == 0) h.watchedSinceMs = now;
      if (!inFlight.add(id)) continue; // the last one has not come back: the timeout judges it
      client
          .call(null, HttpMethod.GET, "/health", null, null, SUSPECT_AFTER_MS)
          .onComplete(
              ar -> {
                inFlight.remove(id);
                if (ar.succeeded() && ar.result().status() == 200) {
                  h.lastOkMs = System.currentTimeMillis();
                  h.reason = null;
                } else {
                  failed(
                      id,
                      ar.succeeded()
                          ? "health answered " + ar.result().status()
                          : ar.cause().getMessage());
                }
              });
    }
  }

  /** A call to node {@code id} failed ({@code why}): suspect it until a heartbeat succeeds. */
  public void failed(String id, String why) {
    Health h = health.computeIfAbsent(id, k -> new Health());
    h.lastFailMs = System.currentTimeMillis();
    h.reason = why;
  }

  /** Whether node {@code id} is suspected now. A node not watched yet is not. */
  public boolean suspected(String id) {
    Health h = health.get(id);
    if (h == null) return false;
    if (h.lastFailMs > h.lastOkMs) return true;
    long since = Math.max(h.lastOkMs, h.watchedSinceMs);
    return timer >= 0 && since > 0 && System.currentTimeMillis() - since > SUSPECT_AFTER_MS;
  }

  /** Node {@code id}'s state for {@code /admin/cluster}. */
  public JsonObject state(String id) {
    Health h = health.get(id);
    JsonObject s = new JsonObject().put("suspected", suspected(id));
    if (h == null) return s;
    long now = System.currentTimeMillis();
    if (h.lastOkMs > 0) s.put("lastHeartbeatMsAgo", now - h.lastOkMs);
    if (h.reason != null && suspected(id)) s.put("reason", h.reason);
    return s;
  }

  /** Whether heartbeats run (keys are replicated). */
  public boolean watching() {
    return timer >= 0;
  }
}
