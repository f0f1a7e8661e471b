package io.pxkv.router.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pxkv.common.metrics.MetricsEndpoint;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.common.metrics.RequestTimers;
import io.pxkv.router.client.CallObserver;
import io.pxkv.router.rebalance.ClusterCoordinator;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One router's meters, in a registry of its own (several routers, or a router and nodes, may share
 * a JVM and a Vert.x): requests by route and status ({@link RequestTimers}), calls to each node
 * ({@link NodeCallMeters}) and the move of keys ({@link MoveGauges}). With metrics off every part
 * is a no-op and {@code /metrics} answers 404.
 *
 * <p>Thread-safe: the verticles of every event loop share it; each takes its own {@link
 * RequestTimers}.
 */
public final class RouterMetrics {
  private final PrometheusMeterRegistry registry; // null: off
  private final ConcurrentMap<String, NodeCallMeters> nodes = new ConcurrentHashMap<>();
  private final MoveGauges move;

  private RouterMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.move = registry == null ? null : new MoveGauges(registry);
  }

  /** Meters for a router, or none when {@code on} is false. */
  public static RouterMetrics create(boolean on) {
    return new RouterMetrics(on ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null);
  }

  /** A new set of request timers for one event loop. */
  public RequestTimers requestTimers() {
    return registry == null ? RequestTimers.off() : RequestTimers.into(registry);
  }

  /** What measures the calls to node {@code nodeId}; null when metrics are off. */
  public CallObserver node(String nodeId) {
    if (registry == null) return null;
    return nodes.computeIfAbsent(nodeId, id -> new NodeCallMeters(registry, id));
  }

  /**
   * {@code GET /metrics} of a router on {@code vertx}: these meters, then the process's if that
   * Vert.x is measured; the move gauges are brought up to date from {@code coordinator} first.
   */
  public MetricsEndpoint endpoint(Vertx vertx, ClusterCoordinator coordinator) {
    if (registry == null) return MetricsEndpoint.off();
    return new MetricsEndpoint(
        registry,
        ProcessMetrics.of(vertx),
        () -> coordinator.statusNow().onSuccess(move::update).<Void>mapEmpty().otherwiseEmpty());
  }
}
