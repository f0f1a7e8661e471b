package io.pxkv.common.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The process-wide meters, through vertx-micrometer-metrics: the JVM (memory, GC, threads, CPU),
 * Vert.x's named worker pools (the node's {@code kv-read}, with queue time and usage) and its TCP
 * clients (the router's connections to each node: count, bytes). They go to a Prometheus registry
 * of the {@link Vertx} built here, which {@link MetricsEndpoint} serves beside a server's own
 * meters.
 *
 * <p>Vert.x's HTTP server and client meters are left off: they build tags and look meters up by
 * them on every request, the hot path of both servers. {@link RequestTimers} counts requests by
 * route and status instead, from meters looked up once.
 */
public final class ProcessMetrics {
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = new WeakHashMap<>();

  /** The Vert.x domains that cost something per request or that nothing here uses. */
  private static final Set<String> OFF =
      Stream.of(
              MetricsDomain.HTTP_SERVER,
              MetricsDomain.HTTP_CLIENT,
              MetricsDomain.NET_SERVER,
              MetricsDomain.EVENT_BUS,
              MetricsDomain.DATAGRAM_SOCKET,
              MetricsDomain.VERTICLES)
          .map(MetricsDomain::toCategory)
          .collect(Collectors.toSet());

  private ProcessMetrics() {}

  /**
   * A Vert.x built from {@code options}, measured into a registry of its own when {@code on} (and
   * not measured at all otherwise: Vert.x then skips every metrics hook).
   */
  public static Vertx vertx(VertxOptions options, boolean on) {
    if (!on) return Vertx.vertx(options);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Three of Micrometer's JVM meters break Prometheus' naming rules (promtool check metrics
    // flags units in names and a gauge named *_count); what they tell is of little use here.
    registry
        .config()
        .meterFilter(MeterFilter.denyNameStartsWith("jvm.compilation.time"))
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // A name of its own: vertx-micrometer keeps registries by name, JVM-wide, and two
            // Vert.x in one JVM (tests) must not share one.
            .setRegistryName("pxkv-" + UUID.randomUUID())
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(true)
            .setLabels(EnumSet.of(Label.POOL_TYPE, Label.POOL_NAME, Label.REMOTE))
            .setDisabledMetricsCategories(OFF);
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions(options).setMetricsOptions(metrics))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    synchronized (REGISTRIES) {
      REGISTRIES.put(vertx, registry);
    }
    return vertx;
  }

  /** The registry of a Vert.x built by {@link #vertx} with metrics on, else null. */
  public static PrometheusMeterRegistry of(Vertx vertx) {
    synchronized (REGISTRIES) {
      return REGISTRIES.get(vertx);
    }
  }
}
