package io.pxkv.node.cache;

import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.StorageEngine.Versioned;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A value cache bounded in bytes: each entry weighs its key (two bytes a char, as held on the heap)
 * plus its value plus {@link #ENTRY_OVERHEAD_BYTES}; the least recently used entries are evicted to
 * stay under the bound, and values heavier than an eighth of it are not cached at all (one huge
 * value must not flush everything else). Entries carry the version and writer of their write, and
 * an entry is never replaced by an older write ({@link WriteOrder}), so late updates cannot make it
 * go back in time.
 *
 * <p>Thread-safe: an access-ordered {@link LinkedHashMap} behind one lock; every operation is short
 * and never does I/O under the lock.
 */
public final class LruCache {
  /** Rough heap cost of one entry beyond key and value: map node, record, array headers. */
  public static final int ENTRY_OVERHEAD_BYTES = 96;

  private final long capacityBytes;
  private final LinkedHashMap<String, Versioned> map = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;
  private long evictions;

  public LruCache(long capacityBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes: must be > 0 (was " + capacityBytes + ")");
    }
    this.capacityBytes = capacityBytes;
  }

  /** The entry for {@code key}, marking it recently used, or null. Counts nothing. */
  public synchronized Versioned lookup(String key) {
    return map.get(key);
  }

  /** The entry for {@code key}, marking it recently used and counting a hit, or null (no count). */
  public synchronized Versioned hit(String key) {
    Versioned v = map.get(key);
    if (v != null) hits++;
    return v;
  }

  public synchronized void recordHit() {
    hits++;
  }

  public synchronized void recordMiss() {
    misses++;
  }

  /**
   * Caches {@code value} unless an entry at least as new is there or {@code stillCurrent} (called
   * under the lock, so no invalidation can slip in between) says it is stale. A value too heavy to
   * cache still removes an older entry. Returns whether it was cached.
   */
  public synchronized boolean putIfNewer(
      String key, Versioned value, BooleanSupplier stillCurrent) {
    Versioned old = map.get(key);
    if (old != null && compare(old, value.version(), value.writer()) >= 0) return false;
    if (old != null) remove(key, old);
    long weight = weight(key, value);
    if (weight > capacityBytes / 8 || !stillCurrent.getAsBoolean()) return false;
    map.put(key, value);
    bytes += weight;
    evict();
    return true;
  }

  /**
   * Removes the entry for {@code key} if it is an older write than (version, writer) (a delete's).
   */
  public synchronized void removeIfOlder(String key, long version, int writer) {
    Versioned old = map.get(key);
    if (old != null && compare(old, version, writer) < 0) remove(key, old);
  }

  /** Removes the entry for {@code key} if it is the write (version, writer) or an older one. */
  public synchronized void removeIfAtMost(String key, long version, int writer) {
    Versioned old = map.get(key);
    if (old != null && compare(old, version, writer) <= 0) remove(key, old);
  }

  private static int compare(Versioned cached, long version, int writer) {
    return WriteOrder.compare(cached.version(), cached.writer(), version, writer);
  }

  public synchronized void invalidate(String key) {
    Versioned old = map.get(key);
    if (old != null) remove(key, old);
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  public synchronized long evictions() {
    return evictions;
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized int entries() {
    return map.size();
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  private void remove(String key, Versioned old) {
    map.remove(key);
    bytes -= weight(key, old);
  }

  private void evict() {
    Iterator<Map.Entry<String, Versioned>> eldest = map.entrySet().iterator();
    while (bytes > capacityBytes && eldest.hasNext()) {
      Map.Entry<String, Versioned> e = eldest.next();
      bytes -= weight(e.getKey(), e.getValue());
      eldest.remove();
      evictions++;
    }
  }

  static long weight(String key, Versioned value) {
    return 2L * key.length() + value.value().length + ENTRY_OVERHEAD_BYTES;
  }
}
