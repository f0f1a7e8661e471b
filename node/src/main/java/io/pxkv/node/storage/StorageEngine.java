package io.pxkv.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store of one node. Keys are strings; values are the compact JSON bytes of a value,
 * stored and returned byte for byte. Plain Java: no Vert.x here.
 *
 * <p>Threading: every method is thread-safe. {@link #getIfCached}, {@link #size} and {@link #stats}
 * never touch the disk and may run on an event loop. {@link #get} and {@link #scan} may read the
 * disk and must not. Writes are asynchronous: {@link #put}, {@link #delete} and the rebalancing
 * writes ({@link #putIfNewer}, {@link #tombstone}, {@link #deleteIfVersion}) queue the write and
 * return at once; the engine's own writer thread appends queued writes in order and completes each
 * future only when its bytes are written (and, per the sync mode, fsynced), so many concurrent
 * writes share one fsync (group commit).
 *
 * <p>Versions: every write gets a version larger than every version this engine issued before,
 * including across restarts ({@code max(last + 1, wall clock in microseconds)}, a hybrid logical
 * clock), so a key's version grows with each write, and versions written on different nodes are
 * roughly comparable by time.
 */
public interface StorageEngine extends Closeable {

  /** The value and version of a live key. */
  record Versioned(byte[] value, long version) {}

  /** What a put did: the version it wrote and whether the key was absent before. */
  record PutResult(long version, boolean created) {}

  /** One live pair. */
  record Entry(String key, byte[] value, long version) {}

  /**
   * What {@link #tombstone} wrote: the tombstone's version, and the version of the live value it
   * replaced (empty when the key was absent).
   */
  record TombstoneResult(long version, Optional<Long> previous) {
    public boolean existed() {
      return previous.isPresent();
    }
  }

  /**
   * The largest version an import may carry. Versions are wall-clock microseconds (about 2^51
   * today), so this leaves thousands of years of room while keeping {@code last + 1} of the clock
   * far from overflowing.
   */
  long MAX_VERSION = 1L << 62;

  /**
   * Whether {@code version} may be imported with {@link #putIfNewer}: at most {@code MAX_VERSION}.
   */
  static boolean isImportableVersion(long version) {
    return version <= MAX_VERSION;
  }

  /** The exception {@link #putIfNewer} fails with for a version above {@code MAX_VERSION}. */
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

  /** The live value of {@code key}, reading the disk if needed. Blocking. */
  Optional<Versioned> get(String key) throws IOException;

  /**
   * The answer if it needs no disk I/O: {@code Optional.empty()} when the key is absent, the value
   * when it is in memory (cache), and {@code null} when only a disk read can tell.
   */
  Optional<Versioned> getIfCached(String key);

  /**
   * Queues a write of {@code value} (compact JSON bytes) under {@code key}. The future completes
   * after the record is durable per the sync mode, or fails (nothing acknowledged) on I/O error or
   * when the engine has stopped taking writes.
   */
  CompletableFuture<PutResult> put(String key, byte[] value);

  /**
   * {@link #put} of {@code values.get(i)} under {@code keys.get(i)} for each i, queued in order;
   * one future per pair, in the same order. An engine with a writer thread hands them over at once.
   */
  default List<CompletableFuture<PutResult>> putAll(List<String> keys, List<byte[]> values) {
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) puts.add(put(keys.get(i), values.get(i)));
    return puts;
  }

  /**
   * Queues a delete. Completes with the tombstone's version, or empty when the key was absent
   * (nothing is written then).
   */
  CompletableFuture<Optional<Long>> delete(String key);

  /**
   * Up to {@code limit} live pairs in key order whose key starts with {@code prefix} and is
   * strictly greater than {@code after} ({@code null} to start at the beginning). Blocking.
   */
  List<Entry> scan(String prefix, String after, int limit) throws IOException;

  /** Number of live keys. */
  long size();

  StorageStats stats();

  /**
   * Why the engine no longer takes writes (a failed write or fsync), or {@code null} while it does.
   * Reads go on either way.
   */
  String writeFailure();

  /**
   * The version of the key's newest write if this engine knows it without disk I/O: 0 when the key
   * is absent, -1 when the engine cannot tell (then no caller may rely on it, and {@code
   * CachingEngine} does not cache what it reads).
   */
  default long currentVersion(String key) {
    return -1;
  }

  /**
   * Writes {@code value} with the given {@code version}, for backups and rebalancing, but only if
   * the key's newest known write (live, or a tombstone still on disk) is older; a moved older copy
   * never overwrites a newer write. Completes with whether it wrote. Whether it writes or not, the
   * engine's clock is advanced to at least {@code version}, so every later local write of the key
   * gets a larger version. Durable per the sync mode, like {@link #put}. A version of 0 or less is
   * never newer (completes false); one above {@link #MAX_VERSION} fails the future with {@link
   * IllegalArgumentException}. Engines without imports fail the future with {@link
   * UnsupportedOperationException}.
   */
  default CompletableFuture<Boolean> putIfNewer(String key, byte[] value, long version) {
    return putIfNewer(key, value, version, 0);
  }

  /**
   * {@link #putIfNewer(String, byte[], long)}, where a tombstone older than {@code tombstonesFrom}
   * does not block the import. A rebalance passes the moment it began: a tombstone from before then
   * is a key that left this node in an earlier move (or a delete that every node saw), while a
   * delete made during the move is newer and still wins over the moved copy.
   */
  default CompletableFuture<Boolean> putIfNewer(
      String key, byte[] value, long version, long tombstonesFrom) {
    return unsupported("import");
  }

  /**
   * A version no write of this engine has or will have: every write so far has a smaller one, every
   * later write a larger one. A rebalance takes one from each node before it starts, to tell
   * tombstones of earlier moves from deletes made during this one.
   */
  default long clockReading() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no version clock");
  }

  /**
   * Writes a tombstone for {@code key} with a fresh version, whether or not the key is live, for
   * deletes while keys move between nodes: as long as the tombstone is on disk, {@link #putIfNewer}
   * of any older version of the key is refused, so a moved copy cannot bring a deleted key back.
   * Durable per the sync mode, like {@link #delete}.
   */
  default CompletableFuture<TombstoneResult> tombstone(String key) {
    return unsupported("write tombstones");
  }

  /**
   * Deletes {@code key} (writes a tombstone) only if it is live with exactly {@code version};
   * completes with whether it deleted. Decided by the writer in order with every other write, so a
   * write that lands between a caller's read and this call makes it a no-op: a moved copy is only
   * removed from the old node if it was not overwritten there since it was read. Durable per the
   * sync mode, like {@link #delete}.
   */
  default CompletableFuture<Boolean> deleteIfVersion(String key, long version) {
    return unsupported("delete by version");
  }

  /** Rewrites storage without dead records; completes with what it did. Nothing for memory. */
  default CompletableFuture<CompactionResult> compact() {
    return CompletableFuture.completedFuture(CompactionResult.NOTHING);
  }

  /** What opening the engine found and repaired, for the startup log. */
  default RecoveryReport recoveryReport() {
    return RecoveryReport.EMPTY;
  }

  private <T> CompletableFuture<T> unsupported(String what) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getSimpleName() + " cannot " + what));
  }
}
