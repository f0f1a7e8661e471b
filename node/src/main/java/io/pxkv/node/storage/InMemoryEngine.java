package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The engine {@code "memory"}: the same contract, version, writer and gate rules as {@link
 * BitcaskEngine} (the rebalancing writes decided by the same {@link WriteRules}), with nothing on
 * disk, so everything is lost when the process stops. For development and tests. Thread-safe:
 * writes are serialized by a lock and complete before they return; reads are lock-free, but for
 * scans with deleted records, which take the lock.
 *
 * <p>Tombstones are never dropped (there is no compaction here), so this engine remembers every
 * delete. A handoff leaves a marker while tombstones are held (a move runs), for listings taken
 * meanwhile ({@link #scanRecords}); the markers are forgotten when the hold ends, and a handoff
 * outside a hold leaves none: there is no older record here for a marker to hide.
 *
 * <p>Expired values are reclaimed without a read: every key written with an expiry waits in a set
 * ordered by expiry time, and a daemon thread ({@code kv-expire}, started by the first such write)
 * removes each value when its time has come, unless it was written again meanwhile. No tombstone
 * replaces it: the disk engine's expiry tombstone only hides older records at restart, and nothing
 * here outlives the process.
 */
public final class InMemoryEngine implements StorageEngine {
  private final ConcurrentSkipListMap<String, Versioned> map =
      new ConcurrentSkipListMap<>(KeyOrder.UTF8);

  /** The version and writer of each deleted key's tombstone, so an older import is refused. */
  private final ConcurrentSkipListMap<String, Stamp> tombstones =
      new ConcurrentSkipListMap<>(KeyOrder.UTF8);

  /** The version and writer of the write each handed-off key left with; guarded by this. */
  private final ConcurrentSkipListMap<String, Stamp> markers =
      new ConcurrentSkipListMap<>(KeyOrder.UTF8);

  /** Whether writes with an expiry start the {@code kv-expire} thread; tests turn it off. */
  static volatile boolean backgroundExpiry = true;

  /** Keys a pass looks at, at most: the lock it holds stays short however many expire at once. */
  static final int MAX_EXPIRED_PER_PASS = 10_000;

  /** A key written with an expiry and when that write expires. */
  private record Expiry(long at, String key) {}

  /** Keys written with an expiry, soonest first; entries of overwritten writes linger until due. */
  private final ConcurrentSkipListSet<Expiry> expiring =
      new ConcurrentSkipListSet<>(
          Comparator.comparingLong(Expiry::at).thenComparing(Expiry::key, KeyOrder.UTF8));

  /** Runs {@link #expireDue} every {@link ActiveExpiry#TICK_MILLIS}; null until needed. */
  private ScheduledExecutorService expiryThread; // guarded by this

  private final HybridClock clock;
  private final int writerId;
  private final WriteGate gate = new WriteGate(); // guarded by this
  private boolean hold; // guarded by this
  private volatile boolean closed;

  /** Writer 0, the system clock. */
  public InMemoryEngine() {
    this(0, 0, Clock.systemUTC());
  }

  /** With the writer id and clock offset of {@code options}. */
  public InMemoryEngine(StorageOptions options) {
    this(options, Clock.systemUTC());
  }

  /** As {@link #InMemoryEngine(StorageOptions)}, with the clock reading {@code wall}. */
  public InMemoryEngine(StorageOptions options, Clock wall) {
    this(options.writerId(), options.clockOffsetMillis(), wall);
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
  public long clockMillis() {
    return clock.nowMillis();
  }

  /** The key's value, or null when it is not live or has expired by the clock now. */
  private Versioned live(String key) {
    Versioned v = map.get(key);
    return v == null || expired(v.expiresAt()) ? null : v;
  }

  /** The record of a live value. */
  private static StoredRecord record(String key, Versioned v) {
    return StoredRecord.expiring(key, v.value(), v.version(), v.writer(), v.expiresAt());
  }

  @Override
  public Optional<Versioned> get(String key) {
    return Optional.ofNullable(live(key));
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
    if (v != null) return Optional.ofNullable(live(key, v));
    Stamp t = tombstones.get(key);
    if (t != null) return Optional.of(new StoredRecord(key, null, t.version(), t.writer()));
    v = map.get(key); // a put may have replaced the tombstone between the lookups
    return v == null ? Optional.empty() : Optional.ofNullable(live(key, v));
  }

  /** The record of {@code v}, or null when it has expired (absent, with no tombstone to show). */
  private StoredRecord live(String key, Versioned v) {
    return expired(v.expiresAt()) ? null : record(key, v);
  }

  @Override
  public long currentVersion(String key) {
    Versioned v = live(key);
    return v == null ? 0 : v.version();
  }

  // Writes change the maps in an order that lets a lock-free reader see the state before or the
  // state after, never neither: a value is put before its tombstone goes, and a tombstone put
  // before its value goes.

  @Override
  public synchronized CompletableFuture<PutResult> put(
      String key, byte[] value, long expiresAt, long epoch) {
    CompletableFuture<PutResult> refused = refused(epoch);
    if (refused != null) return refused;
    long version = clock.next();
    boolean created = live(key) == null;
    map.put(key, new Versioned(value.clone(), version, writerId, expiresAt));
    tombstones.remove(key);
    markers.remove(key);
    willExpire(key, expiresAt);
    return CompletableFuture.completedFuture(new PutResult(version, created));
  }

  @Override
  public synchronized CompletableFuture<Optional<Long>> delete(String key, long epoch) {
    CompletableFuture<Optional<Long>> refused = refused(epoch);
    if (refused != null) return refused;
    // An expired value is absent: deleting it writes nothing, as for a key never written.
    if (!WriteRules.deletes(current(key)) || live(key) == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    long version = clock.next();
    tombstones.put(key, new Stamp(version, writerId, true));
    map.remove(key);
    return CompletableFuture.completedFuture(Optional.of(version));
  }

  @Override
  public synchronized CompletableFuture<TombstoneResult> tombstone(String key, long epoch) {
    CompletableFuture<TombstoneResult> refused = refused(epoch);
    if (refused != null) return refused;
    // An expired value was absent to every read: the tombstone replaced nothing.
    Versioned v = map.get(key);
    Optional<Stamp> previous =
        v != null && live(key) == null
            ? Optional.empty()
            : WriteRules.tombstoneReplaces(current(key));
    long version = clock.next();
    tombstones.put(key, new Stamp(version, writerId, true));
    map.remove(key);
    markers.remove(key);
    return CompletableFuture.completedFuture(new TombstoneResult(version, previous));
  }

  @Override
  public synchronized CompletableFuture<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long expiresAt, long epoch) {
    if (!StorageEngine.isImportableVersion(version)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(version));
    }
    CompletableFuture<Boolean> refused = refused(epoch);
    if (refused != null) return refused;
    clock.observe(version); // also when skipped, as the disk engine does
    if (!WriteRules.imports(version, writer, current(key))) {
      return CompletableFuture.completedFuture(false);
    }
    if (valueOrNull == null) {
      tombstones.put(key, new Stamp(version, writer, true));
      map.remove(key);
    } else {
      map.put(key, new Versioned(valueOrNull.clone(), version, writer, expiresAt));
      tombstones.remove(key);
      willExpire(key, expiresAt);
    }
    markers.remove(key);
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Boolean> handoff(
      String key, long version, int writer, long epoch) {
    CompletableFuture<Boolean> refused = refused(epoch);
    if (refused != null) return refused;
    Stamp current = current(key);
    if (!WriteRules.handsOff(version, writer, current)) {
      return CompletableFuture.completedFuture(false);
    }
    if (hold) markers.put(key, new Stamp(version, writer, current.deleted()));
    map.remove(key);
    tombstones.remove(key);
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized void holdTombstones(boolean on) {
    hold = on;
    if (!on) markers.clear(); // what compaction does to them on disk, at once
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

  /** The key's live write or held tombstone, or null ({@link WriteRules}); under the lock. */
  private Stamp current(String key) {
    Versioned v = map.get(key);
    if (v != null) return new Stamp(v.version(), v.writer(), false);
    return tombstones.get(key);
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
      Versioned v = live(key);
      if (v != null) page.add(new Entry(key, v.value(), v.version(), v.writer(), v.expiresAt()));
    }
    return page;
  }

  @Override
  public List<StoredRecord> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter) {
    String p = prefix == null ? "" : prefix;
    List<StoredRecord> page = new ArrayList<>();
    if (!includeDeleted) {
      for (String key : from(map.navigableKeySet(), p, after)) {
        if (page.size() >= limit || !key.startsWith(p)) break;
        if (keyFilter != null && !keyFilter.test(key)) continue;
        Versioned v = live(key);
        if (v != null) page.add(record(key, v));
      }
      return page;
    }
    // Under the writers' lock: a key changing kind (handed off, say) between the walks of the three
    // maps could otherwise be missed by all of them.
    synchronized (this) {
      Iterator<String> live = from(map.navigableKeySet(), p, after).iterator();
      Iterator<String> dead = from(tombstones.navigableKeySet(), p, after).iterator();
      Iterator<String> left = from(markers.navigableKeySet(), p, after).iterator();
      String nextLive = next(live, p);
      String nextDead = next(dead, p);
      String nextLeft = next(left, p);
      while (page.size() < limit) {
        String key = min(min(nextLive, nextDead), nextLeft);
        if (key == null) break;
        // A key is in one map at a time here, so it heads exactly one walk.
        if (key.equals(nextLive)) {
          nextLive = next(live, p);
        } else if (key.equals(nextDead)) {
          nextDead = next(dead, p);
        } else {
          nextLeft = next(left, p);
        }
        if (keyFilter != null && !keyFilter.test(key)) continue;
        Versioned v = map.get(key);
        Stamp t = tombstones.get(key);
        Stamp m = markers.get(key);
        if (v != null) {
          StoredRecord r = live(key, v);
          if (r != null) page.add(r);
        } else if (t != null) {
          page.add(new StoredRecord(key, null, t.version(), t.writer()));
        } else if (m != null) {
          page.add(StoredRecord.marker(key, m.version(), m.writer()));
        }
      }
      return page;
    }
  }

  private static String min(String a, String b) {
    if (a == null) return b;
    if (b == null) return a;
    return KeyOrder.compare(a, b) <= 0 ? a : b;
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
    if (expiryThread != null) expiryThread.shutdownNow();
  }

  /** Notes a write of {@code key} that expires at {@code expiresAt} (0: never). Under the lock. */
  private void willExpire(String key, long expiresAt) {
    if (expiresAt == 0) return;
    expiring.add(new Expiry(expiresAt, key));
    if (expiryThread == null && backgroundExpiry) {
      expiryThread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kv-expire");
                t.setDaemon(true);
                return t;
              });
      expiryThread.scheduleWithFixedDelay(
          this::expireDue,
          ActiveExpiry.TICK_MILLIS,
          ActiveExpiry.TICK_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Removes the values whose expiry has come, at most {@link #MAX_EXPIRED_PER_PASS} of them (the
   * next pass takes the rest), and returns how many it removed. A key written again since keeps its
   * new value.
   */
  synchronized int expireDue() {
    if (closed) return 0;
    long now = clock.nowMillis();
    int removed = 0;
    for (int seen = 0; seen < MAX_EXPIRED_PER_PASS; seen++) {
      Expiry due = expiring.isEmpty() ? null : expiring.first();
      if (due == null || due.at() > now) break;
      expiring.remove(due);
      Versioned v = map.get(due.key());
      if (v != null && v.expiresAt() == due.at()) {
        map.remove(due.key());
        removed++;
      }
    }
    return removed;
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(
        new KvException(ErrorCode.UNAVAILABLE, "the storage engine is closed"));
  }

  /** Whether an expiry (0: never) has passed by the clock; reads no clock for 0, the usual case. */
  private boolean expired(long expiresAt) {
    return expiresAt != 0 && expiresAt <= clock.nowMillis();
  }
}
