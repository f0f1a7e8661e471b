package io.pxkv.node.storage;

/**
 * A snapshot of an engine's counters, for {@code /admin/stats}.
 *
 * @param keys live keys
 * @param diskBytes bytes of all segment files (0 for the in-memory engine)
 * @param liveBytes bytes of records that are still the newest for their key
 * @param segments number of segment files
 * @param cacheHits value-cache hits
 * @param cacheMisses value-cache misses
 * @param cacheEvictions entries evicted from the value cache
 * @param cacheBytes bytes held by the value cache
 * @param cacheCapacityBytes the cache's byte bound (0 = off)
 * @param compactions compactions that rewrote segments since the engine opened
 * @param compactionReclaimedBytes disk bytes those compactions freed
 */
public record StorageStats(
    long keys,
    long diskBytes,
    long liveBytes,
    int segments,
    long cacheHits,
    long cacheMisses,
    long cacheEvictions,
    long cacheBytes,
    long cacheCapacityBytes,
    long compactions,
    long compactionReclaimedBytes) {

  /** Counters of an engine that does not compact. */
  public StorageStats(
      long keys,
      long diskBytes,
      long liveBytes,
      int segments,
      long cacheHits,
      long cacheMisses,
      long cacheEvictions,
      long cacheBytes,
      long cacheCapacityBytes) {
    this(
        keys,
        diskBytes,
        liveBytes,
        segments,
        cacheHits,
        cacheMisses,
        cacheEvictions,
        cacheBytes,
        cacheCapacityBytes,
        0,
        0);
  }

  public double cacheHitRatio() {
    long total = cacheHits + cacheMisses;
    return total == 0 ? 0.0 : (double) cacheHits / total;
  }
}
