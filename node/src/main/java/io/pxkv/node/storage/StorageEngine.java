package io.pxkv.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store of one node. Keys are strings; values are the compact JSON bytes of a value,
 * stored and returned byte for byte. Plain Java: no Vert.x here.
 *
 * <p>Threading: every method is thread-safe. {@link #getIfCached}, {@link #size} and {@link #stats}
 * never touch the disk and may run on an event loop. {@link #get} and {@link #scan} may read the
 * disk and must not. Writes are asynchronous: {@link #put} and {@link #delete} queue the write and
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
   * never overwrites a newer write. Completes with whether it wrote. Engines without imports fail
   * the future with {@link UnsupportedOperationException}.
   */
  default CompletableFuture<Boolean> putIfNewer(String key, byte[] value, long version) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getSimpleName() + " cannot import"));
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
