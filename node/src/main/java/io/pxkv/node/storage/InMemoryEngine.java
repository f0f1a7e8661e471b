package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The engine {@code "memory"}: the same contract and version rules as {@link BitcaskEngine}, with
 * nothing on disk, so everything is lost when the process stops. For development and tests.
 * Thread-safe: writes are serialized by a lock and complete before they return; reads are
 * lock-free.
 */
public final class InMemoryEngine implements StorageEngine {
  private final ConcurrentSkipListMap<String, Versioned> map = new ConcurrentSkipListMap<>();

  /**
   * Versions of deleted keys, so that an older import cannot bring a key back. Never dropped: there
   * is no compaction here, so unlike the disk engine this one remembers every delete.
   */
  private final Map<String, Long> tombstones = new HashMap<>();

  private final HybridClock clock = new HybridClock();
  private volatile boolean closed;

  @Override
  public Optional<Versioned> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public Optional<Versioned> getIfCached(String key) {
    return get(key);
  }

  @Override
  public long currentVersion(String key) {
    Versioned v = map.get(key);
    return v == null ? 0 : v.version();
  }

  @Override
  public synchronized CompletableFuture<PutResult> put(String key, byte[] value) {
    if (closed) return closedFuture();
    long version = clock.next();
    boolean created = map.put(key, new Versioned(value.clone(), version)) == null;
    tombstones.remove(key);
    return CompletableFuture.completedFuture(new PutResult(version, created));
  }

  @Override
  public synchronized CompletableFuture<Optional<Long>> delete(String key) {
    if (closed) return closedFuture();
    if (!map.containsKey(key)) return CompletableFuture.completedFuture(Optional.empty());
    long version = clock.next();
    map.remove(key);
    tombstones.put(key, version);
    return CompletableFuture.completedFuture(Optional.of(version));
  }

  @Override
  public synchronized CompletableFuture<Boolean> putIfNewer(
      String key, byte[] value, long version, long tombstonesFrom) {
    if (closed) return closedFuture();
    if (!StorageEngine.isImportableVersion(version)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(version));
    }
    clock.observe(version); // also when skipped, as the disk engine does
    Versioned current = map.get(key);
    long tombstone = tombstones.getOrDefault(key, 0L);
    long latest = current != null ? current.version() : tombstone >= tombstonesFrom ? tombstone : 0;
    if (version <= latest) return CompletableFuture.completedFuture(false);
    // Stored above an ignored tombstone, as the disk engine does (its recovery keeps the highest).
    long stored = Math.max(version, tombstone + 1);
    clock.observe(stored);
    map.put(key, new Versioned(value.clone(), stored));
    tombstones.remove(key);
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public long clockReading() {
    return clock.next();
  }

  @Override
  public synchronized CompletableFuture<TombstoneResult> tombstone(String key) {
    if (closed) return closedFuture();
    Versioned previous = map.remove(key);
    long version = clock.next();
    tombstones.put(key, version);
    return CompletableFuture.completedFuture(
        new TombstoneResult(
            version, previous == null ? Optional.empty() : Optional.of(previous.version())));
  }

  @Override
  public synchronized CompletableFuture<Boolean> deleteIfVersion(String key, long version) {
    if (closed) return closedFuture();
    Versioned current = map.get(key);
    if (current == null || current.version() != version) {
      return CompletableFuture.completedFuture(false);
    }
    map.remove(key);
    tombstones.put(key, clock.next());
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) {
    String p = prefix == null ? "" : prefix;
    NavigableMap<String, Versioned> from =
        after != null && after.compareTo(p) >= 0 ? map.tailMap(after, false) : map.tailMap(p, true);
    List<Entry> page = new ArrayList<>();
    for (var e : from.entrySet()) {
      if (page.size() >= limit || !e.getKey().startsWith(p)) break;
      page.add(new Entry(e.getKey(), e.getValue().value(), e.getValue().version()));
    }
    return page;
  }

  @Override
  public long size() {
    return map.size();
  }

  @Override
  public StorageStats stats() {
    long bytes = 0;
    for (var e : map.entrySet()) bytes += e.getKey().length() + e.getValue().value().length;
    return new StorageStats(map.size(), 0, bytes, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public String writeFailure() {
    return null;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(
        new KvException(ErrorCode.UNAVAILABLE, "the storage engine is closed"));
  }
}
