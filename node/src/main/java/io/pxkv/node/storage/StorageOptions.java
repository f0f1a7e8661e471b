package io.pxkv.node.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open a node's storage: an immutable record with a {@code DEFAULT_*} constant per option,
 * built with {@link #defaults} and the {@code with*} copies.
 *
 * @param engine {@code "disk"} (log-structured, durable) or {@code "memory"} (nothing on disk)
 * @param dataDir the directory holding segment files; created if missing; unused by "memory"
 * @param syncMode when writes are fsynced
 * @param syncIntervalMillis with {@link SyncMode#INTERVAL}: the longest time a written record stays
 *     un-fsynced
 * @param segmentBytes size at which the active segment is closed and a new one started
 * @param cacheBytes byte bound of the LRU value cache; 0 turns the cache off
 * @param recover start even when records are damaged: drop them and report it, instead of refusing
 *     to start
 * @param compaction when segments are compacted in the background
 */
public record StorageOptions(
    String engine,
    Path dataDir,
    SyncMode syncMode,
    long syncIntervalMillis,
    long segmentBytes,
    long cacheBytes,
    boolean recover,
    CompactionPolicy compaction) {

  public static final String ENGINE_DISK = "disk";
  public static final String ENGINE_MEMORY = "memory";
  public static final String DEFAULT_ENGINE = ENGINE_DISK;
  public static final SyncMode DEFAULT_SYNC_MODE = SyncMode.ALWAYS;
  public static final long DEFAULT_SYNC_INTERVAL_MILLIS = 1000;
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;
  public static final boolean DEFAULT_RECOVER = false;

  /** Smallest accepted segment size: anything smaller rolls over on almost every write. */
  public static final long MIN_SEGMENT_BYTES = 4096;

  public StorageOptions {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(syncMode, "syncMode");
    Objects.requireNonNull(compaction, "compaction");
    if (!engine.equals(ENGINE_DISK) && !engine.equals(ENGINE_MEMORY)) {
      throw new IllegalArgumentException("engine: must be disk or memory (was " + engine + ")");
    }
    if (syncIntervalMillis < 1) {
      throw new IllegalArgumentException(
          "syncIntervalMillis: must be >= 1 (was " + syncIntervalMillis + ")");
    }
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "segmentBytes: must be in [4096, 2^31) (was " + segmentBytes + ")");
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("cacheBytes: must be >= 0 (was " + cacheBytes + ")");
    }
  }

  /** The defaults: a durable disk engine in {@code dataDir}. */
  public static StorageOptions defaults(Path dataDir) {
    return new StorageOptions(
        DEFAULT_ENGINE,
        dataDir,
        DEFAULT_SYNC_MODE,
        DEFAULT_SYNC_INTERVAL_MILLIS,
        DEFAULT_SEGMENT_BYTES,
        DEFAULT_CACHE_BYTES,
        DEFAULT_RECOVER,
        CompactionPolicy.DEFAULT);
  }

  public StorageOptions withEngine(String value) {
    return new StorageOptions(
        value,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction);
  }

  public StorageOptions withDataDir(Path value) {
    return new StorageOptions(
        engine, value, syncMode, syncIntervalMillis, segmentBytes, cacheBytes, recover, compaction);
  }

  public StorageOptions withSyncMode(SyncMode value) {
    return new StorageOptions(
        engine, dataDir, value, syncIntervalMillis, segmentBytes, cacheBytes, recover, compaction);
  }

  public StorageOptions withSyncIntervalMillis(long value) {
    return new StorageOptions(
        engine, dataDir, syncMode, value, segmentBytes, cacheBytes, recover, compaction);
  }

  public StorageOptions withSegmentBytes(long value) {
    return new StorageOptions(
        engine, dataDir, syncMode, syncIntervalMillis, value, cacheBytes, recover, compaction);
  }

  public StorageOptions withCacheBytes(long value) {
    return new StorageOptions(
        engine, dataDir, syncMode, syncIntervalMillis, segmentBytes, value, recover, compaction);
  }

  public StorageOptions withRecover(boolean value) {
    return new StorageOptions(
        engine, dataDir, syncMode, syncIntervalMillis, segmentBytes, cacheBytes, value, compaction);
  }

  public StorageOptions withCompaction(CompactionPolicy value) {
    return new StorageOptions(
        engine, dataDir, syncMode, syncIntervalMillis, segmentBytes, cacheBytes, recover, value);
  }
}
