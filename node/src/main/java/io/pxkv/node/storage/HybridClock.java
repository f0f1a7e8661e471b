package io.pxkv.node.storage;

import java.time.Clock;

/**
 * Issues write versions: {@code max(last + 1, (wall clock + offset) in microseconds)}, a hybrid
 * logical clock. Versions grow strictly, survive restarts (the engine {@link #observe}s every
 * version it finds on disk before issuing new ones), and stay close to wall-clock time so versions
 * from different nodes compare roughly by age. The offset ({@code
 * StorageOptions.clockOffsetMillis}) lets tests give a node a skewed clock. Thread-safe.
 */
final class HybridClock {
  private final Clock wall;
  private final long offsetMillis;
  private long last;

  HybridClock(Clock wall, long offsetMillis) {
    this.wall = wall;
    this.offsetMillis = offsetMillis;
  }

  /** The system clock without offset. */
  HybridClock() {
    this(Clock.systemUTC(), 0);
  }

  synchronized long next() {
    last = Math.max(last + 1, nowMicros());
    return last;
  }

  /** Makes every later {@link #next} larger than {@code version}. */
  synchronized void observe(long version) {
    if (version > last) last = version;
  }

  synchronized long last() {
    return last;
  }

  /**
   * The physical part: wall clock plus offset, in microseconds; what a tombstone's age is judged
   * by.
   */
  long nowMicros() {
    return nowMillis() * 1000;
  }

  /** Wall clock plus offset in ms since the epoch: what expiry times are set and judged by. */
  long nowMillis() {
    return wall.millis() + offsetMillis;
  }
}
