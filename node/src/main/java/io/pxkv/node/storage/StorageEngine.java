package io.pxkv.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The key-value store of one node. Keys are strings; values are the compact JSON bytes of a value,
 * stored and returned byte for byte. Plain Java: no Vert.x here.
 *
 * <p>Threading: every method is thread-safe. {@link #getIfCached}, {@link #size}, {@link #stats}
 * and {@link #holdTombstones} never touch the disk and may run on an event loop. {@link #get},
 * {@link #readRecord}, {@link #scan} and {@link #scanRecords} may read the disk and must not.
 * Writes are asynchronous: every write op (put, delete, tombstone, importRecord, handoff, and the
 * gate ops fence and open) is queued and returns at once; the engine's own writer thread applies
 * queued ops in order and completes each future only when its bytes are written (and, per the sync
 * mode, fsynced), so many concurrent writes share one fsync (group commit).
 *
 * <p>Versions: every local write gets a version larger than every version this engine issued or was
 * shown before, including across restarts ({@code max(last + 1, wall clock in microseconds)}, a
 * hybrid logical clock), stored with this engine's {@link #writerId}. Two writes of a key are
 * ordered by version, then by writer as an unsigned number ({@link io.pxkv.common.kv.WriteOrder});
 * an equal pair is the same write.
 *
 * <p>Epoch tags: every write op takes the epoch of the view (layout) its request was routed by, 0
 * for none. A tagged write is refused with {@code KvException(STALE_VIEW)} when its tag is below
 * the epoch this engine was {@link #fence fenced} at or above the epoch it was {@link #open opened}
 * at; an untagged one never is. The gate is not persisted: the node re-applies it at start.
 */
public interface StorageEngine extends Closeable {

  /**
   * The value, version and writer of a live key, and when it expires ({@code expiresAt}: ms since
   * the epoch, 0 = never).
   */
  record Versioned(byte[] value, long version, int writer, long expiresAt) {
    /** A value that never expires. */
    public Versioned(byte[] value, long version, int writer) {
      this(value, version, writer, 0);
    }

    /** A value written by writer 0 (tests, and engines before writer ids). */
    public Versioned(byte[] value, long version) {
      this(value, version, 0, 0);
    }
  }

  /** What a put did: the version it wrote and whether the key was absent before. */
  record PutResult(long version, boolean created) {}

  /** One live pair; {@code expiresAt} as in {@link Versioned}. */
  record Entry(String key, byte[] value, long version, int writer, long expiresAt) {
    public Entry(String key, byte[] value, long version, int writer) {
      this(key, value, version, writer, 0);
    }

    public Entry(String key, byte[] value, long version) {
      this(key, value, version, 0, 0);
    }
  }

  /**
   * A key's current state as {@link #readRecord} and {@link #scanRecords} see it, with the version
   * and writer of its write: a live value, a tombstone still held ({@link #deleted}), or, from
   * {@link #scanRecords} only, a handoff marker still held ({@link #handedOff}: a move copied the
   * write to another node and it left this one; version and writer are those of the write that
   * left). Neither of the last two has a value. A live value may expire ({@code expiresAt}, ms
   * since the epoch; 0 = never, always 0 for the others).
   */
  record StoredRecord(
      String key, byte[] value, long version, int writer, boolean handedOff, long expiresAt) {
    public StoredRecord {
      if (handedOff && value != null) {
        throw new IllegalArgumentException("a handoff marker has no value");
      }
      if (value == null && expiresAt != 0) {
        throw new IllegalArgumentException("only a value expires");
      }
    }

    public StoredRecord(String key, byte[] value, long version, int writer, boolean handedOff) {
      this(key, value, version, writer, handedOff, 0);
    }

    /** A live value ({@code value} non-null) or a tombstone ({@code value} null). */
    public StoredRecord(String key, byte[] value, long version, int writer) {
      this(key, value, version, writer, false, 0);
    }

    /** A live value that expires at {@code expiresAt} (0: never). */
    public static StoredRecord expiring(
        String key, byte[] value, long version, int writer, long expiresAt) {
      return new StoredRecord(key, value, version, writer, false, expiresAt);
    }

    /** The marker of write (version, writer) of {@code key}, which left this node. */
    public static StoredRecord marker(String key, long version, int writer) {
      return new StoredRecord(key, null, version, writer, true);
    }

    /** Whether this is a DELETE tombstone (not a handoff marker). */
    public boolean deleted() {
      return value == null && !handedOff;
    }
  }

  /** The version and writer of a write, and whether it was a delete. */
  record Stamp(long version, int writer, boolean deleted) {}

  /**
   * What {@link #tombstone} wrote: the tombstone's version, and what the key was before: live or
   * deleted (a tombstone still held) with that write's stamp, or empty when absent.
   */
  record TombstoneResult(long version, Optional<Stamp> previous) {
    /** Whether the key was live before. */
    public boolean existed() {
      return previous.isPresent() && !previous.get().deleted();
    }
  }

  /**
   * The largest version an import may carry. Versions are wall-clock microseconds (about 2^51
   * today), so this leaves thousands of years of room while keeping {@code last + 1} of the clock
   * far from overflowing.
   */
  long MAX_VERSION = 1L << 62;

  /**
   * Whether {@code version} may be imported with {@link #importRecord}: at most {@code
   * MAX_VERSION}.
   */
  static boolean isImportableVersion(long version) {
    return version <= MAX_VERSION;
  }

  /** The exception {@link #importRecord} fails with for a version above {@code MAX_VERSION}. */
  static IllegalArgumentException badImportVersion(long version) {
    return new IllegalArgumentException(
        "version: must be at most " + MAX_VERSION + " (was " + version + ")");
  }

  /**
   * Called once the node serves requests: starts the work the engine put off so as not to slow its
   * start (after a restart, the sorted key index that scans use). Optional: a scan that comes first
   * starts that work itself.
   */
  default void startDeferredWork() {}

  /**
   * The engine's wall clock in ms since the epoch (with its clock offset): what expiry times are
   * set and judged by. A key whose {@code expiresAt} is at or below it is absent to every read.
   */
  default long clockMillis() {
    return System.currentTimeMillis();
  }

  /** Whether a value expiring at {@code expiresAt} (0: never) has expired at {@code nowMillis}. */
  static boolean expired(long expiresAt, long nowMillis) {
    return expiresAt != 0 && expiresAt <= nowMillis;
  }

  /** The writer id stored with every version this engine issues. */
  default int writerId() {
    return 0;
  }

  /** The live value of {@code key}, reading the disk if needed. Blocking. */
  Optional<Versioned> get(String key) throws IOException;

  /**
   * The answer if it needs no disk I/O: {@code Optional.empty()} when the key is absent, the value
   * when it is in memory (cache), and {@code null} when only a disk read can tell.
   */
  Optional<Versioned> getIfCached(String key);

  /**
   * The key's state, including a tombstone still held: a live value, a deleted key (value null), or
   * empty when absent (never written, handed off, or its tombstone dropped). Blocking.
   */
  Optional<StoredRecord> readRecord(String key) throws IOException;

  /**
   * {@link #readRecord} when memory can answer it (a cached value, a held tombstone, an absent
   * key), or {@code null} when only a disk read can. Never touches the disk; any thread.
   */
  default Optional<StoredRecord> readRecordIfCached(String key) {
    return null;
  }

  /**
   * Queues a write of {@code value} (compact JSON bytes) under {@code key}, tagged {@code epoch},
   * expiring at {@code expiresAt} (ms since the epoch by {@link #clockMillis}; 0: never, which also
   * makes a key that had an expiry permanent again). The future completes after the record is
   * durable per the sync mode, or fails (nothing acknowledged) on I/O error, when the engine has
   * stopped taking writes, or with {@code STALE_VIEW} when the gate refuses the tag.
   */
  CompletableFuture<PutResult> put(String key, byte[] value, long expiresAt, long epoch);

  /** A {@link #put(String, byte[], long, long)} that never expires. */
  default CompletableFuture<PutResult> put(String key, byte[] value, long epoch) {
    return put(key, value, 0, epoch);
  }

  /** An untagged {@link #put(String, byte[], long)}. */
  default CompletableFuture<PutResult> put(String key, byte[] value) {
    return put(key, value, 0, 0);
  }

  /**
   * {@link #put} of {@code values.get(i)} under {@code keys.get(i)} for each i, expiring at {@code
   * expiresAt[i]} ({@code expiresAt} null: none expires), tagged {@code epoch}, queued in order;
   * one future per pair, in the same order. An engine with a writer thread hands them over at once.
   */
  default List<CompletableFuture<PutResult>> putAll(
      List<String> keys, List<byte[]> values, long[] expiresAt, long epoch) {
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      long expiry = expiresAt == null ? 0 : expiresAt[i];
      puts.add(put(keys.get(i), values.get(i), expiry, epoch));
    }
    return puts;
  }

  /** {@link #putAll(List, List, long[], long)} of values that never expire. */
  default List<CompletableFuture<PutResult>> putAll(
      List<String> keys, List<byte[]> values, long epoch) {
    return putAll(keys, values, null, epoch);
  }

  /** An untagged {@link #putAll(List, List, long)}. */
  default List<CompletableFuture<PutResult>> putAll(List<String> keys, List<byte[]> values) {
    return putAll(keys, values, 0);
  }

  /**
   * Queues a delete. Completes with the tombstone's version, or empty when the key was not live
   * (nothing is written then).
   */
  CompletableFuture<Optional<Long>> delete(String key, long epoch);

  /** An untagged {@link #delete(String, long)}. */
  default CompletableFuture<Optional<Long>> delete(String key) {
    return delete(key, 0);
  }

  /**
   * Writes a tombstone for {@code key} with a fresh version, whether the key is live, deleted or
   * absent, for deletes while keys move between nodes: as long as the tombstone is held, an import
   * of any older write of the key is refused. Completes with the tombstone's version and what the
   * key was before. Durable per the sync mode, like {@link #delete}.
   */
  CompletableFuture<TombstoneResult> tombstone(String key, long epoch);

  /**
   * Writes a record moved from another node (or restored from a backup) with exactly the given
   * {@code version} and {@code writer}: a value, or a tombstone when {@code valueOrNull} is null.
   * Written only if (version, writer) is newer than the key's live record or held tombstone; a
   * handoff marker or absence never blocks it. Completes with whether it wrote. Whether it writes
   * or not, the clock observes {@code version}, so every later local write gets a larger one. A
   * version of 0 or less is never newer (completes false); one above {@link #MAX_VERSION} fails the
   * future with {@link IllegalArgumentException}. A value carries its expiry ({@code expiresAt}, 0:
   * never); one that has already expired is stored (its write still orders later imports) but is
   * absent to every read. Durable per the sync mode, like {@link #put}.
   */
  CompletableFuture<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long expiresAt, long epoch);

  /** An {@link #importRecord(String, byte[], long, int, long, long)} that never expires. */
  default CompletableFuture<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long epoch) {
    return importRecord(key, valueOrNull, version, writer, 0, epoch);
  }

  /**
   * Writes a handoff marker for {@code key} if its current record (live or held tombstone) is
   * exactly the write (version, writer): a move copied it to another node, so it leaves this one.
   * The key is then absent here, and a later import of it is never blocked by the marker. Completes
   * with whether it wrote; a write of the key in between makes it a no-op. Durable per the sync
   * mode.
   */
  CompletableFuture<Boolean> handoff(String key, long version, int writer, long epoch);

  /**
   * {@link #importRecord} of each record, queued in order; one future per record, in the same
   * order. An engine with a writer thread hands them over at once, as one batch.
   */
  default List<CompletableFuture<Boolean>> importAll(List<StoredRecord> records, long epoch) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (StoredRecord r : records) {
      all.add(importRecord(r.key(), r.value(), r.version(), r.writer(), r.expiresAt(), epoch));
    }
    return all;
  }

  /**
   * {@link #handoff} of each record's key at its version and writer, queued in order; one future
   * per record. An engine with a writer thread hands them over at once, as one batch.
   */
  default List<CompletableFuture<Boolean>> handoffAll(List<StoredRecord> records, long epoch) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (StoredRecord r : records) all.add(handoff(r.key(), r.version(), r.writer(), epoch));
    return all;
  }

  /**
   * Closes the gate to writes tagged below {@code epoch} (and, as ever, above the open epoch).
   * Ordered with the writes: completes once every write queued before it is durable, with a clock
   * reading larger than every version issued or observed so far. An epoch at or below the fenced
   * one changes nothing but still reads the clock.
   */
  CompletableFuture<Long> fence(long epoch);

  /**
   * Raises the clock to at least {@code floor} (every later version is larger) and lets writes
   * tagged {@code epoch} through. Ordered with the writes. An epoch below the open one only raises
   * the clock. A floor above {@link #MAX_VERSION} fails with {@link IllegalArgumentException}.
   */
  CompletableFuture<Void> open(long epoch, long floor);

  /**
   * While true, compaction keeps every tombstone whatever its age (a move is under way, and an
   * older copy of a deleted key may still arrive) and every handoff marker (listings taken during
   * the move rely on them: a key that left says so). Takes effect at once; a compaction running
   * when it is turned on drops none of the tombstones or markers it meant to.
   */
  default void holdTombstones(boolean hold) {}

  /**
   * Up to {@code limit} live pairs in UTF-8 key order whose key starts with {@code prefix} and is
   * strictly greater than {@code after} ({@code null} to start at the beginning). Blocking.
   */
  List<Entry> scan(String prefix, String after, int limit) throws IOException;

  /**
   * Up to {@code limit} records in UTF-8 key order whose key starts with {@code prefix}, is
   * strictly greater than {@code after} ({@code null}: from the beginning) and passes {@code
   * keyFilter} ({@code null}: every key), each key at its current state: live values, and, when
   * {@code includeDeleted}, tombstones and handoff markers still held ({@link
   * StoredRecord#deleted}, {@link StoredRecord#handedOff}). The filter sees keys before any value
   * is read. Blocking.
   *
   * <p>A key that changes kind while the scan passes it (live to handed off, say) is returned once,
   * at one of its states, when {@code includeDeleted}: a listing that merges the scans of several
   * nodes relies on a key that left this node still showing here, as a marker.
   */
  List<StoredRecord> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter)
      throws IOException;

  /**
   * A key's current write as {@link #scanStamps} lists it: a live value's, a held tombstone's
   * ({@code deleted}) or a held handoff marker's ({@code handedOff}), without the value.
   */
  record KeyStamp(String key, long version, int writer, boolean deleted, boolean handedOff) {}

  /**
   * What {@link #scanRecords} lists with no prefix and {@code includeDeleted}, without the values:
   * up to {@code limit} keys in UTF-8 key order after {@code after} ({@code null}: from the
   * beginning) that pass {@code keyFilter} ({@code null}: every key). Anti-entropy digests a node's
   * records by it; an engine that keeps every key's stamp in memory reads no disk for it. Blocking.
   */
  default List<KeyStamp> scanStamps(String after, int limit, Predicate<String> keyFilter)
      throws IOException {
    List<KeyStamp> stamps = new ArrayList<>();
    for (StoredRecord r : scanRecords("", after, limit, true, keyFilter)) {
      stamps.add(new KeyStamp(r.key(), r.version(), r.writer(), r.deleted(), r.handedOff()));
    }
    return stamps;
  }

  /** Number of live keys. */
  long size();

  StorageStats stats();

  /** What value compression and encryption did; null for an engine that does neither. */
  default CodecStats codecStats() {
    return null;
  }

  /**
   * Why the engine no longer takes writes (a failed write or fsync), or {@code null} while it does.
   * Reads go on either way.
   */
  String writeFailure();

  /**
   * The version of the key's live value if this engine knows it without disk I/O: 0 when the key is
   * not live, -1 when the engine cannot tell (then no caller may rely on it, and {@code
   * CachingEngine} does not cache what it reads).
   */
  default long currentVersion(String key) {
    return -1;
  }

  /** Rewrites storage without dead records; completes with what it did. Nothing for memory. */
  default CompletableFuture<CompactionResult> compact() {
    return CompletableFuture.completedFuture(CompactionResult.NOTHING);
  }

  /** What opening the engine found and repaired, for the startup log. */
  default RecoveryReport recoveryReport() {
    return RecoveryReport.EMPTY;
  }
}
