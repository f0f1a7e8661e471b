package io.pxkv.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pxkv.common.metrics.Latency;
import io.pxkv.common.metrics.MetricsEndpoint;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.common.metrics.RequestTimers;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageFiles;
import io.pxkv.node.storage.StorageStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.ToDoubleFunction;

/**
 * One node's meters, in a registry of its own (nodes of {@code px-kvstore local} share a JVM):
 * requests by route and status ({@link RequestTimers}), the storage engine's counters (keys, disk
 * and live bytes, segments, compactions, the value cache), read through {@link
 * StorageEngine#stats()} into one snapshot per scrape, and the latency of every fsync ({@link
 * TimedSyncFiles}). With metrics off every part is a no-op and {@code /metrics} answers 404.
 *
 * <p>Create it before the engine opens (recovery fsyncs too), give the engine {@link #files}, then
 * {@link #watch} the opened engine.
 */
public final class NodeMetrics {
  private static final StorageStats NONE = new StorageStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final PrometheusMeterRegistry registry; // null: off
  private final Timer dataSyncs;
  private final Timer directorySyncs;
  private volatile StorageEngine engine;
  private volatile StorageStats stats = NONE;

  private NodeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      dataSyncs = null;
      directorySyncs = null;
      return;
    }
    String fsync = "pxkv.node.fsync";
    String about = "fsyncs of the storage engine: of segment data, or of a directory's entries";
    dataSyncs = Latency.timer(registry, fsync, about, "target", "data");
    directorySyncs = Latency.timer(registry, fsync, about, "target", "directory");
    gauge("pxkv.node.keys", null, "Live keys", StorageStats::keys);
    gauge("pxkv.node.disk", "bytes", "Bytes of all segment files", StorageStats::diskBytes);
    gauge("pxkv.node.live", "bytes", "Bytes of the newest record of each key", s -> s.liveBytes());
    gauge("pxkv.node.segments", null, "Segment files", StorageStats::segments);
    gauge("pxkv.node.cache", "bytes", "Bytes the value cache holds", StorageStats::cacheBytes);
    gauge(
        "pxkv.node.cache.capacity",
        "bytes",
        "The value cache's byte bound (0: no cache)",
        StorageStats::cacheCapacityBytes);
    counter(
        "pxkv.node.cache.hits", null, "Reads answered from the value cache", s -> s.cacheHits());
    counter("pxkv.node.cache.misses", null, "Reads that went to disk", s -> s.cacheMisses());
    counter(
        "pxkv.node.cache.evictions",
        null,
        "Values evicted from the value cache",
        s -> s.cacheEvictions());
    counter(
        "pxkv.node.compactions",
        null,
        "Compactions that rewrote segments since the node started",
        s -> s.compactions());
    counter(
        "pxkv.node.compaction.reclaimed",
        "bytes",
        "Disk bytes compactions freed since the node started",
        s -> s.compactionReclaimedBytes());
    Gauge.builder("pxkv.node.writes.refused", this, m -> m.writesRefused())
        .description("1 while the node refuses writes after a failed write or fsync, else 0")
        .strongReference(true)
        .register(registry);
  }

  /** Meters for a node, or none when {@code on} is false. */
  public static NodeMetrics create(boolean on) {
    return new NodeMetrics(on ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null);
  }

  /** {@code files} with its fsyncs timed (as it is, when metrics are off). */
  public StorageFiles files(StorageFiles files) {
    return registry == null ? files : new TimedSyncFiles(files, dataSyncs, directorySyncs);
  }

  /** Reads the storage meters from {@code opened} from now on. */
  public void watch(StorageEngine opened) {
    this.engine = opened;
  }

  /** A new set of request timers for one event loop. */
  public RequestTimers requestTimers() {
    return registry == null ? RequestTimers.off() : RequestTimers.into(registry);
  }

  /**
   * {@code GET /metrics} of a node on {@code vertx}: these meters, then the process's if that
   * Vert.x is measured. Each scrape reads the engine's counters once, on the event loop (they are
   * in memory).
   */
  public MetricsEndpoint endpoint(Vertx vertx) {
    if (registry == null) return MetricsEndpoint.off();
    return new MetricsEndpoint(
        registry,
        ProcessMetrics.of(vertx),
        () -> {
          StorageEngine e = engine;
          if (e != null) stats = e.stats();
          return Future.succeededFuture();
        });
  }

  private double writesRefused() {
    StorageEngine e = engine;
    return e != null && e.writeFailure() != null ? 1 : 0;
  }

  private void gauge(
      String name, String unit, String description, ToDoubleFunction<StorageStats> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.stats))
        .description(description)
        .baseUnit(unit)
        .strongReference(true)
        .register(registry);
  }

  private void counter(
      String name, String unit, String description, ToDoubleFunction<StorageStats> value) {
    FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }
}
