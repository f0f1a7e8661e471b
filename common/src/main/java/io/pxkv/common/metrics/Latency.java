package io.pxkv.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Timers with one fixed set of histogram buckets, from 100 µs to 10 s: 16 buckets per series, so
 * that a series costs the same few lines on every scrape, and {@code histogram_quantile} works on
 * every timer alike.
 */
public final class Latency {
  static final Duration[] BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
  };

  private Latency() {}

  /** A timer builder with the buckets above; add tags and register it. */
  public static Timer.Builder timer(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
  }

  /** Registers (or finds) the timer {@code name} with the given tags. */
  public static Timer timer(
      MeterRegistry registry, String name, String description, String... tags) {
    return timer(name, description).tags(tags).register(registry);
  }
}
