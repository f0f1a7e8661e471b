package io.pxkv.node.storage;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.function.Supplier;

/**
 * Heap bytes a structure holds per key: the heap in use after full collections with the structure
 * built, less the heap in use before, divided by its keys. For the key directory's size goals.
 */
final class HeapPerKey {
  private HeapPerKey() {}

  /** Bytes per key of what {@code build} builds for {@code keys} keys. */
  static double measure(int keys, Supplier<Object> build) {
    long before = usedAfterFullGc();
    Object built = build.get();
    long after = usedAfterFullGc();
    Reference.reachabilityFence(built);
    return (after - before) / (double) keys;
  }

  /** Heap in use after full collections (until it stops falling). */
  static long usedAfterFullGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used) return used;
      used = now;
    }
    return used;
  }
}
