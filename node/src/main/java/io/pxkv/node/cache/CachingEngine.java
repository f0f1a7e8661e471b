package io.pxkv.node.cache;

import io.pxkv.node.storage.CodecStats;
import io.pxkv.node.storage.CompactionResult;
import io.pxkv.node.storage.RecoveryReport;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A {@link StorageEngine} that keeps recently read and written values in an {@link LruCache} in
 * front of another engine. The cache only ever follows the engine: it is filled on a read miss,
 * updated after the engine confirms a write, and cleared of a key after a confirmed delete,
 * tombstone, imported tombstone or handoff, so it never serves a value one of those removed.
 *
 * <p>The stale-fill race: a disk read that started before a concurrent write can finish after it.
 * Its value is cached only if, under the cache lock, the engine's key directory still names the
 * version that was read; every confirmed write or delete also takes the cache lock, so whichever
 * comes second sees the other, and an older write never replaces a newer one (writes are ordered by
 * version, then writer).
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
  public int writerId() {
    return inner.writerId();
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
  public Optional<StoredRecord> readRecord(String key) throws IOException {
    return inner.readRecord(key);
  }

  @Override
  public Optional<StoredRecord> readRecordIfCached(String key) {
    Optional<StoredRecord> known = inner.readRecordIfCached(key);
    if (known != null) return known;
    Versioned cached = cache.hit(key);
    return cached == null
        ? null
        : Optional.of(
            StoredRecord.expiring(
                key, cached.value(), cached.version(), cached.writer(), cached.expiresAt()));
  }

  @Override
  public long currentVersion(String key) {
    return inner.currentVersion(key);
  }

  @Override
  public long clockMillis() {
    return inner.clockMillis();
  }

  @Override
  public CompletableFuture<PutResult> put(String key, byte[] value, long expiresAt, long epoch) {
    return cachedOnceWritten(
        key, value.clone(), expiresAt, inner.put(key, value, expiresAt, epoch));
  }

  @Override
  public List<CompletableFuture<PutResult>> putAll(
      List<String> keys, List<byte[]> values, long[] expiresAt, long epoch) {
    List<byte[]> copies = values.stream().map(byte[]::clone).toList();
    List<CompletableFuture<PutResult>> writes = inner.putAll(keys, values, expiresAt, epoch);
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      long expiry = expiresAt == null ? 0 : expiresAt[i];
      puts.add(cachedOnceWritten(keys.get(i), copies.get(i), expiry, writes.get(i)));
    }
    return puts;
  }

  private CompletableFuture<PutResult> cachedOnceWritten(
      String key, byte[] copy, long expiresAt, CompletableFuture<PutResult> write) {
    int writer = inner.writerId();
    return write.thenApply(
        r -> {
          cache.putIfNewer(key, new Versioned(copy, r.version(), writer, expiresAt), () -> true);
          return r;
        });
  }

  @Override
  public CompletableFuture<Optional<Long>> delete(String key, long epoch) {
    int writer = inner.writerId();
    return inner
        .delete(key, epoch)
        .thenApply(
            v -> {
              v.ifPresent(version -> cache.removeIfOlder(key, version, writer));
              return v;
            });
  }

  @Override
  public CompletableFuture<TombstoneResult> tombstone(String key, long epoch) {
    int writer = inner.writerId();
    return inner
        .tombstone(key, epoch)
        .thenApply(
            r -> {
              cache.removeIfOlder(key, r.version(), writer);
              return r;
            });
  }

  @Override
  public CompletableFuture<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long expiresAt, long epoch) {
    byte[] copy = valueOrNull == null ? null : valueOrNull.clone();
    return afterImport(
        inner.importRecord(key, valueOrNull, version, writer, expiresAt, epoch),
        key,
        copy,
        version,
        writer,
        expiresAt);
  }

  @Override
  public List<CompletableFuture<Boolean>> importAll(List<StoredRecord> records, long epoch) {
    List<CompletableFuture<Boolean>> inners = inner.importAll(records, epoch);
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      StoredRecord r = records.get(i);
      byte[] copy = r.value() == null ? null : r.value().clone();
      all.add(afterImport(inners.get(i), r.key(), copy, r.version(), r.writer(), r.expiresAt()));
    }
    return all;
  }

  /** Once an import is confirmed: the cache follows it (see the class comment). */
  private CompletableFuture<Boolean> afterImport(
      CompletableFuture<Boolean> imported,
      String key,
      byte[] copy,
      long version,
      int writer,
      long expiresAt) {
    return imported.thenApply(
        wrote -> {
          if (!wrote) return false;
          if (copy == null) {
            cache.removeIfOlder(key, version, writer);
          } else {
            // Checked like a read fill: a tombstone or write confirmed meanwhile wins.
            cache.putIfNewer(
                key,
                new Versioned(copy, version, writer, expiresAt),
                () -> inner.currentVersion(key) == version);
          }
          return true;
        });
  }

  @Override
  public CompletableFuture<Boolean> handoff(String key, long version, int writer, long epoch) {
    return afterHandoff(inner.handoff(key, version, writer, epoch), key, version, writer);
  }

  @Override
  public List<CompletableFuture<Boolean>> handoffAll(List<StoredRecord> records, long epoch) {
    List<CompletableFuture<Boolean>> inners = inner.handoffAll(records, epoch);
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      StoredRecord r = records.get(i);
      all.add(afterHandoff(inners.get(i), r.key(), r.version(), r.writer()));
    }
    return all;
  }

  private CompletableFuture<Boolean> afterHandoff(
      CompletableFuture<Boolean> handoff, String key, long version, int writer) {
    return handoff.thenApply(
        handedOff -> {
          // The key left with exactly this write: anything cached at or below it is gone, and
          // anything newer was written after the handoff and stays.
          if (handedOff) cache.removeIfAtMost(key, version, writer);
          return handedOff;
        });
  }

  @Override
  public CompletableFuture<Long> fence(long epoch) {
    return inner.fence(epoch);
  }

  @Override
  public CompletableFuture<Void> open(long epoch, long floor) {
    return inner.open(epoch, floor);
  }

  @Override
  public void holdTombstones(boolean hold) {
    inner.holdTombstones(hold);
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) throws IOException {
    return inner.scan(prefix, after, limit);
  }

  @Override
  public List<StoredRecord> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter)
      throws IOException {
    return inner.scanRecords(prefix, after, limit, includeDeleted, keyFilter);
  }

  @Override
  public List<KeyStamp> scanStamps(String after, int limit, Predicate<String> keyFilter)
      throws IOException {
    return inner.scanStamps(after, limit, keyFilter);
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public CodecStats codecStats() {
    return inner.codecStats();
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
        cache.capacityBytes(),
        s.compactions(),
        s.compactionReclaimedBytes());
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
