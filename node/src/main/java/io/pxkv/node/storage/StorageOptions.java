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
 * @param writerId the id stored with every version this engine issues, breaking ties between equal
 *     versions of different nodes the same way everywhere (a node uses a hash of its id)
 * @param clockOffsetMillis added to the wall clock by the version clock: a testing aid that gives a
 *     node a skewed clock; 0 in production
 * @param tombstoneGraceMillis how long compaction keeps a tombstone (judged by its version against
 *     the clock) before it may drop it; while {@code holdTombstones} is on, none is dropped
 * @param coding how the disk engine compresses and encrypts values (docs/STORAGE.md)
 */
public record StorageOptions(
    String engine,
    Path dataDir,
    SyncMode syncMode,
    long syncIntervalMillis,
    long segmentBytes,
    long cacheBytes,
    boolean recover,
    CompactionPolicy compaction,
    int writerId,
    long clockOffsetMillis,
    long tombstoneGraceMillis,
    ValueCoding coding) {

  public static final String ENGINE_DISK = "disk";
  public static final String ENGINE_MEMORY = "memory";
  public static final String DEFAULT_ENGINE = ENGINE_DISK;
  public static final SyncMode DEFAULT_SYNC_MODE = SyncMode.ALWAYS;
  public static final long DEFAULT_SYNC_INTERVAL_MILLIS = 1000;
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;
  public static final boolean DEFAULT_RECOVER = false;
  public static final int DEFAULT_WRITER_ID = 0;
  public static final long DEFAULT_CLOCK_OFFSET_MILLIS = 0;
  public static final long DEFAULT_TOMBSTONE_GRACE_MILLIS = 10L * 24 * 60 * 60 * 1000;

  /** Smallest accepted segment size: anything smaller rolls over on almost every write. */
  public static final long MIN_SEGMENT_BYTES = 4096;

  /** Bound of the clock offset either way (about 34 years), far from overflowing microseconds. */
  public static final long MAX_CLOCK_OFFSET_MILLIS = 1L << 40;

  public StorageOptions {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(syncMode, "syncMode");
    Objects.requireNonNull(compaction, "compaction");
    Objects.requireNonNull(coding, "coding");
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
    if (Math.abs(clockOffsetMillis) > MAX_CLOCK_OFFSET_MILLIS) {
      throw new IllegalArgumentException(
          "clockOffsetMillis: must be within +-2^40 (was " + clockOffsetMillis + ")");
    }
    if (tombstoneGraceMillis < 0) {
      throw new IllegalArgumentException(
          "tombstoneGraceMillis: must be >= 0 (was " + tombstoneGraceMillis + ")");
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
        CompactionPolicy.DEFAULT,
        DEFAULT_WRITER_ID,
        DEFAULT_CLOCK_OFFSET_MILLIS,
        DEFAULT_TOMBSTONE_GRACE_MILLIS,
        ValueCoding.DEFAULTS);
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
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withDataDir(Path value) {
    return new StorageOptions(
        engine,
        value,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withSyncMode(SyncMode value) {
    return new StorageOptions(
        engine,
        dataDir,
        value,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withSyncIntervalMillis(long value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        value,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withSegmentBytes(long value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        value,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withCacheBytes(long value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        value,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withRecover(boolean value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        value,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withCompaction(CompactionPolicy value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        value,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withWriterId(int value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        value,
        clockOffsetMillis,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withClockOffsetMillis(long value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        value,
        tombstoneGraceMillis,
        coding);
  }

  public StorageOptions withTombstoneGraceMillis(long value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        value,
        coding);
  }

  public StorageOptions withCoding(ValueCoding value) {
    return new StorageOptions(
        engine,
        dataDir,
        syncMode,
        syncIntervalMillis,
        segmentBytes,
        cacheBytes,
        recover,
        compaction,
        writerId,
        clockOffsetMillis,
        tombstoneGraceMillis,
        value);
  }
}
