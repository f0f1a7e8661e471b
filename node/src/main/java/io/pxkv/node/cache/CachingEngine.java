package io.pxkv.node.cache;

import io.pxkv.node.storage.CompactionResult;
import io.pxkv.node.storage.RecoveryReport;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link StorageEngine} that keeps recently read and written values in an {@link LruCache} in
 * front of another engine. The cache only ever follows the engine: it is filled on a read miss,
 * updated after the engine confirms a write, and cleared of a key after a confirmed delete,
 * tombstone or delete-if-version.
 *
 * <p>The stale-fill race: a disk read that started before a concurrent write can finish after it.
 * Its value is cached only if, under the cache lock, the engine's key directory still names the
 * version that was read; every confirmed write or delete also takes the cache lock, so whichever
 * comes second sees the other, and an older version never replaces a newer one.
 *
 * <p>Thread-safe, like the engine it wraps. {@link #getIfCached} does no I/O.
 */
public final class CachingEngine implements StorageEngine {
  private final StorageEngine inner;
  private final LruCache cache;

  public CachingEngine(StorageEngine inner, long capacityBytes) {
    this.inner = inner;
    this.cache = new LruCache(capacityBytes);
  }

  /** The engine behind the cache. */
  public StorageEngine inner() {
    return inner;
  }

  LruCache cache() {
    return cache;
  }

  @Override
  public Optional<Versioned> get(String key) throws IOException {
    Optional<Versioned> known = getIfCached(key);
    if (known != null) return known;
    cache.recordMiss();
    Optional<Versioned> read = inner.get(key);
    read.ifPresent(v -> fill(key, v));
    return read;
  }

  @Override
  public Optional<Versioned> getIfCached(String key) {
    Optional<Versioned> known = inner.getIfCached(key);
    if (known != null) return known;
    Versioned cached = cache.hit(key);
    return cached == null ? null : Optional.of(cached);
  }

  @Override
  public long currentVersion(String key) {
    return inner.currentVersion(key);
  }

  @Override
  public CompletableFuture<PutResult> put(String key, byte[] value) {
    return cachedOnceWritten(key, value.clone(), inner.put(key, value));
  }

  @Override
  public List<CompletableFuture<PutResult>> putAll(List<String> keys, List<byte[]> values) {
    List<byte[]> copies = values.stream().map(byte[]::clone).toList();
    List<CompletableFuture<PutResult>> writes = inner.putAll(keys, values);
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      puts.add(cachedOnceWritten(keys.get(i), copies.get(i), writes.get(i)));
    }
    return puts;
  }

  private CompletableFuture<PutResult> cachedOnceWritten(
      String key, byte[] copy, CompletableFuture<PutResult> write) {
    return write.thenApply(
        r -> {
          cache.putIfNewer(key, new Versioned(copy, r.version()), () -> true);
          return r;
        });
  }

  @Override
  public CompletableFuture<Optional<Long>> delete(String key) {
    return inner
        .delete(key)
        .thenApply(
            v -> {
              v.ifPresent(version -> cache.removeIfOlder(key, version));
              return v;
            });
  }

  @Override
  public CompletableFuture<Boolean> putIfNewer(
      String key, byte[] value, long version, long tombstonesFrom) {
    byte[] copy = value.clone();
    return inner
        .putIfNewer(key, value, version, tombstonesFrom)
        .thenApply(
            wrote -> {
              if (wrote) {
                // Checked like a read fill: a tombstone or write confirmed meanwhile wins.
                cache.putIfNewer(
                    key, new Versioned(copy, version), () -> inner.currentVersion(key) == version);
              }
              return wrote;
            });
  }

  @Override
  public long clockReading() {
    return inner.clockReading();
  }

  @Override
  public CompletableFuture<TombstoneResult> tombstone(String key) {
    return inner
        .tombstone(key)
        .thenApply(
            r -> {
              cache.removeIfOlder(key, r.version());
              return r;
            });
  }

  @Override
  public CompletableFuture<Boolean> deleteIfVersion(String key, long version) {
    return inner
        .deleteIfVersion(key, version)
        .thenApply(
            deleted -> {
              // The removed value had exactly this version; anything cached at or below it is
              // stale, anything above it was written after the delete and stays.
              if (deleted) cache.removeIfAtMost(key, version);
              return deleted;
            });
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) throws IOException {
    return inner.scan(prefix, after, limit);
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public StorageStats stats() {
    StorageStats s = inner.stats();
    return new StorageStats(
        s.keys(),
        s.diskBytes(),
        s.liveBytes(),
        s.segments(),
        cache.hits(),
        cache.misses(),
        cache.evictions(),
        cache.bytes(),
        cache.capacityBytes());
  }

  @Override
  public String writeFailure() {
    return inner.writeFailure();
  }

  @Override
  public CompletableFuture<CompactionResult> compact() {
    return inner.compact();
  }

  @Override
  public void startDeferredWork() {
    inner.startDeferredWork();
  }

  @Override
  public RecoveryReport recoveryReport() {
    return inner.recoveryReport();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  private void fill(String key, Versioned v) {
    cache.putIfNewer(key, v, () -> inner.currentVersion(key) == v.version());
  }
}
