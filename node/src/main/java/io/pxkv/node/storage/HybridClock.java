package io.pxkv.node.storage;

/**
 * Issues write versions: {@code max(last + 1, wall clock in microseconds)}, a hybrid logical clock.
 * Versions grow strictly, survive restarts (the engine {@link #observe}s every version it finds on
 * disk before issuing new ones), and stay close to wall-clock time so versions from different nodes
 * compare roughly by age. Thread-safe.
 */
final class HybridClock {
  private long last;

  synchronized long next() {
    last = Math.max(last + 1, System.currentTimeMillis() * 1000);
    return last;
  }

  /** Makes every later {@link #next} larger than {@code version}. */
  synchronized void observe(long version) {
    if (version > last) last = version;
  }

  synchronized long last() {
    return last;
  }
}
