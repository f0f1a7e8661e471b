package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.kv.WriteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The engine {@code "memory"}: the same contract, version, writer and gate rules as {@link
 * BitcaskEngine}, with nothing on disk, so everything is lost when the process stops. For
 * development and tests. Thread-safe: writes are serialized by a lock and complete before they
 * return; reads are lock-free.
 *
 * <p>Tombstones are never dropped (there is no compaction here), so this engine remembers every
 * delete, and a handoff simply forgets the key.
 */
public final class InMemoryEngine implements StorageEngine {
  private final ConcurrentSkipListMap<String, Versioned> map =
      new ConcurrentSkipListMap<>(KeyOrder.UTF8);

  /** The version and writer of each deleted key's tombstone, so an older import is refused. */
  private final ConcurrentSkipListMap<String, Stamp> tombstones =
      new ConcurrentSkipListMap<>(KeyOrder.UTF8);

  private final HybridClock clock;
  private final int writerId;
  private final WriteGate gate = new WriteGate(); // guarded by this
  private volatile boolean closed;

  /** Writer 0, the system clock. */
  public InMemoryEngine() {
    this(0, 0, Clock.systemUTC());
  }

  /** With the writer id and clock offset of {@code options}. */
  public InMemoryEngine(StorageOptions options) {
    this(options.writerId(), options.clockOffsetMillis(), Clock.systemUTC());
  }

  InMemoryEngine(int writerId, long clockOffsetMillis, Clock wall) {
    this.writerId = writerId;
    this.clock = new HybridClock(wall, clockOffsetMillis);
  }

  @Override
  public int writerId() {
    return writerId;
  }

  @Override
  public Optional<Versioned> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public Optional<Versioned> getIfCached(String key) {
    return get(key);
  }

  @Override
  public Optional<StoredRecord> readRecordIfCached(String key) {
    return readRecord(key);
  }

  @Override
  public Optional<StoredRecord> readRecord(String key) {
    Versioned v = map.get(key);
    if (v != null) return Optional.of(new StoredRecord(key, v.value(), v.version(), v.writer()));
    Stamp t = tombstones.get(key);
    if (t != null) return Optional.of(new StoredRecord(key, null, t.version(), t.writer()));
    v = map.get(key); // a put may have replaced the tombstone between the lookups
    return v == null
        ? Optional.empty()
        : Optional.of(new StoredRecord(key, v.value(), v.version(), v.writer()));
  }

  @Override
  public long currentVersion(String key) {
    Versioned v = map.get(key);
    return v == null ? 0 : v.version();
  }

  // Writes change the maps in an order that lets a lock-free reader see the state before or the
  // state after, never neither: a value is put before its tombstone goes, and a tombstone put
  // before its value goes.

  @Override
  public synchronized CompletableFuture<PutResult> put(String key, byte[] value, long epoch) {
    CompletableFuture<PutResult> refused = refused(epoch);
    if (refused != null) return refused;
    long version = clock.next();
    boolean created = map.put(key, new Versioned(value.clone(), version, writerId)) == null;
    tombstones.remove(key);
    return CompletableFuture.completedFuture(new PutResult(version, created));
  }

  @Override
  public synchronized CompletableFuture<Optional<Long>> delete(String key, long epoch) {
    CompletableFuture<Optional<Long>> refused = refused(epoch);
    if (refused != null) return refused;
    if (!map.containsKey(key)) return CompletableFuture.completedFuture(Optional.empty());
    long version = clock.next();
    tombstones.put(key, new Stamp(version, writerId, true));
    map.remove(key);
    return CompletableFuture.completedFuture(Optional.of(version));
  }

  @Override
  public synchronized CompletableFuture<TombstoneResult> tombstone(String key, long epoch) {
    CompletableFuture<TombstoneResult> refused = refused(epoch);
    if (refused != null) return refused;
    Optional<Stamp> previous = current(key);
    long version = clock.next();
    tombstones.put(key, new Stamp(version, writerId, true));
    map.remove(key);
    return CompletableFuture.completedFuture(new TombstoneResult(version, previous));
  }

  @Override
  public synchronized CompletableFuture<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long epoch) {
    if (!StorageEngine.isImportableVersion(version)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(version));
    }
    CompletableFuture<Boolean> refused = refused(epoch);
    if (refused != null) return refused;
    clock.observe(version); // also when skipped, as the disk engine does
    Optional<Stamp> current = current(key);
    boolean newer =
        version > 0
            && (current.isEmpty()
                || WriteOrder.compare(
                        version, writer, current.get().version(), current.get().writer())
                    > 0);
    if (!newer) return CompletableFuture.completedFuture(false);
    if (valueOrNull == null) {
      tombstones.put(key, new Stamp(version, writer, true));
      map.remove(key);
    } else {
      map.put(key, new Versioned(valueOrNull.clone(), version, writer));
      tombstones.remove(key);
    }
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Boolean> handoff(
      String key, long version, int writer, long epoch) {
    CompletableFuture<Boolean> refused = refused(epoch);
    if (refused != null) return refused;
    Optional<Stamp> current = current(key);
    if (current.isEmpty()
        || current.get().version() != version
        || current.get().writer() != writer) {
      return CompletableFuture.completedFuture(false);
    }
    map.remove(key);
    tombstones.remove(key);
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Long> fence(long epoch) {
    if (closed) return closedFuture();
    gate.fence(epoch);
    return CompletableFuture.completedFuture(clock.next());
  }

  @Override
  public synchronized CompletableFuture<Void> open(long epoch, long floor) {
    if (closed) return closedFuture();
    if (!StorageEngine.isImportableVersion(floor)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(floor));
    }
    clock.observe(floor);
    gate.open(epoch);
    return CompletableFuture.completedFuture(null);
  }

  /** The key's live write or held tombstone, under the lock. */
  private Optional<Stamp> current(String key) {
    Versioned v = map.get(key);
    if (v != null) return Optional.of(new Stamp(v.version(), v.writer(), false));
    return Optional.ofNullable(tombstones.get(key));
  }

  /** A failed future when closed or when the gate refuses {@code epoch}, else null. */
  private <T> CompletableFuture<T> refused(long epoch) {
    if (closed) return closedFuture();
    if (!gate.admits(epoch)) return CompletableFuture.failedFuture(gate.refusal(epoch));
    return null;
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) {
    String p = prefix == null ? "" : prefix;
    List<Entry> page = new ArrayList<>();
    for (String key : from(map.navigableKeySet(), p, after)) {
      if (page.size() >= limit || !key.startsWith(p)) break;
      Versioned v = map.get(key);
      if (v != null) page.add(new Entry(key, v.value(), v.version(), v.writer()));
    }
    return page;
  }

  @Override
  public List<StoredRecord> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter) {
    String p = prefix == null ? "" : prefix;
    Iterator<String> live = from(map.navigableKeySet(), p, after).iterator();
    Iterator<String> dead =
        includeDeleted
            ? from(tombstones.navigableKeySet(), p, after).iterator()
            : Collections.emptyIterator();
    String nextLive = next(live, p);
    String nextDead = next(dead, p);
    List<StoredRecord> page = new ArrayList<>();
    while (page.size() < limit && (nextLive != null || nextDead != null)) {
      int c = nextLive == null ? 1 : nextDead == null ? -1 : KeyOrder.compare(nextLive, nextDead);
      String key = c <= 0 ? nextLive : nextDead;
      if (c <= 0) nextLive = next(live, p);
      if (c >= 0) nextDead = next(dead, p);
      if (keyFilter != null && !keyFilter.test(key)) continue;
      Optional<StoredRecord> r = readRecord(key);
      if (r.isPresent() && (includeDeleted || !r.get().deleted())) page.add(r.get());
    }
    return page;
  }

  private static NavigableSet<String> from(NavigableSet<String> sorted, String p, String after) {
    return after != null && KeyOrder.compare(after, p) >= 0
        ? sorted.tailSet(after, false)
        : sorted.tailSet(p, true);
  }

  private static String next(Iterator<String> keys, String prefix) {
    if (!keys.hasNext()) return null;
    String key = keys.next();
    return key.startsWith(prefix) ? key : null;
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
