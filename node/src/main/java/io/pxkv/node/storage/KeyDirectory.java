package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * The in-memory index of a disk engine: where the current record of each key is and of which kind
 * (live PUT, deleted with its tombstone still on disk, or handed off with its marker still on
 * disk); the segments with their live-byte counts ({@link SegmentRegistry}); and every key in order
 * for scans ({@link SortedKeyIndex}).
 *
 * <p>Laid out for a small heap: about 59 bytes a key beyond its UTF-8 bytes for a million keys
 * ({@code KeyDirectoryHeapTest}; a map of {@code String} to record objects with a skip list beside
 * it took about 181). Each key gets an entry id; the key's bytes are in a {@link KeyArena}, its
 * entry in a row of five {@code long}s of {@link EntryColumns} (40 bytes), the id in an
 * open-addressing {@link KeySlots} table (4 bytes a slot, at most three quarters full) and in the
 * sorted {@code int[]} of {@link SortedKeyIndex} (4 bytes). Expiry times live beside the rows
 * ({@link ExpiryTimes}), for the keys that have one. A key keeps its id while it changes kind; it
 * leaves only when compaction forgets its tombstone or marker ({@link #forget}).
 *
 * <p>Thread-safe. One mutator at a time ({@code synchronized}): the {@code kv-write} thread, the
 * only one that changes a key's kind ({@link #put}), and {@code kv-compact}, which only moves
 * entries ({@link #relocate}) and forgets tombstones and markers ({@link #forget}), each only if
 * the entry is still the one it copied, so a write that got there first wins. The mutator changes
 * what readers can see only under the write lock of a {@link StampedLock}, for the few nanoseconds
 * the stores take (a grown table is filled beside the old one first). Readers do not lock: they
 * read optimistically and validate, retrying (after a few failures, under the read lock) when a
 * write came in between; a read torn by a write may also fail outright, and is retried the same
 * way.
 */
final class KeyDirectory {
  /** A presized table costs 5 to 11 bytes per key whether filled or not: no more than 64 MB. */
  private static final int MAX_PRESIZED_KEYS = 8 << 20;

  private static final int OPTIMISTIC_TRIES = 3;

  private final StampedLock lock = new StampedLock();
  private final KeyArena keys = new KeyArena();
  private final EntryColumns entries = new EntryColumns();
  private final KeySlots slots = new KeySlots();
  private final SegmentRegistry segments = new SegmentRegistry();
  private final SortedKeyIndex sorted = new SortedKeyIndex(this);

  /** Expiry times (ms since the epoch) by entry id, only of the entries that have one. */
  private final ExpiryTimes expiries = new ExpiryTimes();

  /** The keys of live values with an expiry, to sample from ({@link ActiveExpiry}). */
  private final ExpiringKeys expiring = new ExpiringKeys();

  private final IntList freeIds = new IntList(); // guarded by itself

  /** Garbage in the key arena that makes the next forget compact it (and half its used bytes). */
  static final long MIN_GARBAGE_BYTES = 16 << 20;

  private long minGarbageBytes = MIN_GARBAGE_BYTES; // guarded by this
  private volatile int highWater; // every id handed out is below
  private final long[] counts = new long[4]; // by kind code, guarded by this
  private volatile long liveKeys;

  /** The key's live entry, or null. */
  KeyDirEntry get(String key) {
    return lookup(key, EntryColumns.kindCode(RecordKind.PUT));
  }

  /** The key's tombstone entry (DELETE), or null. */
  KeyDirEntry tombstone(String key) {
    return lookup(key, EntryColumns.kindCode(RecordKind.DELETE));
  }

  /** The key's handoff marker entry, or null. */
  KeyDirEntry handoff(String key) {
    return lookup(key, EntryColumns.kindCode(RecordKind.HANDOFF));
  }

  private KeyDirEntry lookup(String key, int kind) {
    byte[] k = KeyArena.utf8(key);
    int hash = KeyArena.hash(k);
    for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0) continue;
      KeyDirEntry e;
      try {
        e = entryOf(k, hash, kind);
      } catch (RuntimeException torn) {
        continue; // a write moved things under the read
      }
      if (lock.validate(stamp)) return e;
    }
    long stamp = lock.readLock();
    try {
      return entryOf(k, hash, kind);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private KeyDirEntry entryOf(byte[] k, int hash, int kind) {
    int id = slots.find(k, hash, entries, keys);
    if (id < 0 || entries.kind(id) != kind) return null;
    return entries.entry(id, expiresAt(id));
  }

  private long expiresAt(int id) {
    return entries.hasExpiry(id) ? expiries.get(id) : 0;
  }

  /** {@code read} run so that it sees no write half done. */
  private <T> T consistently(Supplier<T> read) {
    for (int attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0) continue;
      try {
        T t = read.get();
        if (lock.validate(stamp)) return t;
      } catch (RuntimeException torn) {
        // retried
      }
    }
    long stamp = lock.readLock();
    try {
      return read.get();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Every live key and its entry, in no order (a view; weakly consistent). */
  Map<String, KeyDirEntry> live() {
    return new KindMap(RecordKind.PUT);
  }

  Map<String, KeyDirEntry> tombstones() {
    return new KindMap(RecordKind.DELETE);
  }

  Map<String, KeyDirEntry> handoffs() {
    return new KindMap(RecordKind.HANDOFF);
  }

  /**
   * Every key this directory knows (live, deleted with its tombstone held, or handed off with its
   * marker held) in UTF-8 order, for scans, which look each key's kind up. Right after a restart
   * this starts the build of the sorted keys if nobody has, and the walk waits until they are built
   * (blocking: scans run on worker threads).
   */
  NavigableSet<String> sortedKeys() {
    return new SortedKeyView(this, sorted, null, true);
  }

  /** Whether the key is live, deleted or handed off here. */
  boolean known(String key) {
    byte[] k = KeyArena.utf8(key);
    int hash = KeyArena.hash(k);
    return consistently(
        () -> {
          int id = slots.find(k, hash, entries, keys);
          return id >= 0 && entries.kind(id) != EntryColumns.FREE;
        });
  }

  /** Whether scans can run without waiting for the sorted keys. */
  boolean sortedKeysBuilt() {
    return sorted.isBuilt();
  }

  long size() {
    return liveKeys;
  }

  long liveBytes() {
    return segments.liveBytes();
  }

  /** Makes {@code entry}, a record of {@code kind} just written, the key's current record. */
  synchronized void put(String key, KeyDirEntry entry, RecordKind kind) {
    byte[] k = KeyArena.utf8(key);
    int hash = KeyArena.hash(k);
    int id = slots.find(k, hash, entries, keys);
    if (id >= 0) {
      replace(id, entry, kind);
    } else {
      add(k, hash, entry, kind);
    }
    expiring.track(key, kind == RecordKind.PUT && entry.expiresAt() != 0);
  }

  /** The live keys whose value expires, for the active expiry cycle. */
  ExpiringKeys expiring() {
    return expiring;
  }

  void putLive(String key, KeyDirEntry entry) {
    put(key, entry, RecordKind.PUT);
  }

  void putTombstone(String key, KeyDirEntry entry) {
    put(key, entry, RecordKind.DELETE);
  }

  void putHandoff(String key, KeyDirEntry entry) {
    put(key, entry, RecordKind.HANDOFF);
  }

  /** Points entry {@code id} at {@code entry} of {@code kind}. Mutator only. */
  private void replace(int id, KeyDirEntry entry, RecordKind kind) {
    int oldKind = entries.kind(id);
    KeyDirEntry old = entries.entry(id, expiresAt(id));
    segments.count(entry, +1);
    if (entry.expiresAt() != 0) expiries.reserve();
    long stamp = lock.writeLock();
    try {
      if (entry.expiresAt() != 0) {
        expiries.put(id, entry.expiresAt());
      } else if (old.expiresAt() != 0) {
        expiries.remove(id);
      }
      entries.set(id, entry, kind);
    } finally {
      lock.unlockWrite(stamp);
    }
    count(oldKind, -1);
    count(EntryColumns.kindCode(kind), +1);
    segments.count(old, -1);
  }

  /** Adds a key new to the directory. Mutator only. */
  private void add(byte[] k, int hash, KeyDirEntry entry, RecordKind kind) {
    int id = -1;
    synchronized (freeIds) {
      if (!freeIds.isEmpty()) id = freeIds.pop();
    }
    if (id < 0) {
      id = highWater;
      if (id >= KeySlots.MAX_IDS) {
        throw new IllegalStateException("key directory full: " + KeySlots.MAX_IDS + " entries");
      }
      if (id >= entries.capacity()) entries.grow();
      highWater = id + 1; // its row stays free until the stores below
    }
    long ref = keys.add(k); // bytes no reader can reach yet
    int[] grown = slots.grownFor(slots.size() + 1L, entries, keys);
    segments.count(entry, +1);
    if (entry.expiresAt() != 0) expiries.reserve();
    long stamp = lock.writeLock();
    try {
      if (grown != null) slots.swap(grown);
      if (entry.expiresAt() != 0) expiries.put(id, entry.expiresAt());
      entries.setKeyRef(id, ref);
      entries.set(id, entry, kind);
      slots.insert(id, hash);
    } finally {
      lock.unlockWrite(stamp);
    }
    count(EntryColumns.kindCode(kind), +1);
    sorted.added(id);
  }

  private void count(int kind, int sign) {
    counts[kind] += sign;
    if (kind == EntryColumns.kindCode(RecordKind.PUT)) liveKeys = counts[kind];
  }

  /**
   * Startup: from now on only the hash table is kept up to date; {@link #buildSortedKeys} builds
   * the sorted keys. The table is sized for {@code expectedKeys}; startup calls this before any
   * other thread uses the directory.
   */
  synchronized void recovering(long expectedKeys) {
    long keys = Math.min(expectedKeys, MAX_PRESIZED_KEYS);
    if (slots.size() == 0 && keys > 0) {
      int[] presized = slots.grownFor(keys, entries, this.keys);
      if (presized != null) slots.swap(presized);
    }
    sorted.loading();
  }

  /**
   * Startup's records are all in: from now on writes that add or remove keys are noted, to be
   * applied to the sorted keys when {@link #buildSortedKeys} has built them.
   */
  void recovered() {
    sorted.loaded();
  }

  /** Starts building the sorted keys in the background ({@link SortedKeyIndex#build}). */
  void buildSortedKeys() {
    sorted.build();
  }

  /**
   * Applies a record found on disk at startup if its seq is higher than that of the key's current
   * record. Records are met in no particular order (compaction output mixes ages), so the seq, not
   * the file order, decides.
   */
  synchronized void recover(String key, KeyDirEntry entry, RecordKind kind) {
    byte[] k = KeyArena.utf8(key);
    int hash = KeyArena.hash(k);
    int id = slots.find(k, hash, entries, keys);
    if (id < 0) {
      add(k, hash, entry, kind);
    } else if (entry.seq() > entries.entry(id, 0).seq()) {
      replace(id, entry, kind);
    } else {
      return;
    }
    expiring.track(key, kind == RecordKind.PUT && entry.expiresAt() != 0);
  }

  /** Points {@code key} at {@code to} if it still points at {@code from}; false if a write won. */
  synchronized boolean relocate(String key, KeyDirEntry from, KeyDirEntry to, RecordKind kind) {
    byte[] k = KeyArena.utf8(key);
    int id = slots.find(k, KeyArena.hash(k), entries, keys);
    if (id < 0 || entries.kind(id) != EntryColumns.kindCode(kind)) return false;
    if (!from.equals(entries.entry(id, expiresAt(id)))) return false;
    replace(id, to, kind);
    return true;
  }

  /**
   * Where the records this directory points at (of every kind) start in each of {@code segmentIds}:
   * one sorted array of offsets per segment. Compaction copies exactly these rather than read every
   * record of its inputs and look each one up: under overwrites nearly all of a segment is dead,
   * and that lookup was most of the cost. A write racing this walk can only make a listed record
   * dead, or replace an entry before the walk reaches it; either way the record left out is one
   * compaction may drop, and a copied record that went dead is not swapped in ({@link #relocate}).
   */
  Map<Integer, long[]> recordOffsets(Set<Integer> segmentIds) {
    Map<Integer, LongStream.Builder> found = new HashMap<>();
    for (int id : segmentIds) found.put(id, LongStream.builder());
    int end = highWater;
    for (int start = 0; start < end; start += EntryColumns.PAGE_ROWS) {
      int from = start;
      int to = Math.min(end, start + EntryColumns.PAGE_ROWS);
      KeyDirEntry[] page =
          consistently(
              () -> {
                KeyDirEntry[] es = new KeyDirEntry[to - from];
                for (int id = from; id < to; id++) {
                  if (entries.kind(id) != EntryColumns.FREE) es[id - from] = entries.entry(id, 0);
                }
                return es;
              });
      for (KeyDirEntry e : page) {
        if (e == null) continue;
        LongStream.Builder offsets = found.get(e.segmentId());
        if (offsets != null) offsets.add(e.offset());
      }
    }
    Map<Integer, long[]> offsets = new HashMap<>();
    found.forEach((id, builder) -> offsets.put(id, builder.build().sorted().toArray()));
    return offsets;
  }

  /**
   * Forgets a tombstone, a handoff marker or an expired value that compaction did not copy, if it
   * is still the key's current record.
   */
  synchronized void forget(String key, KeyDirEntry entry, RecordKind kind) {
    if (kind == RecordKind.PUT && entry.expiresAt() == 0) {
      throw new IllegalArgumentException("live records that never expire are never dropped");
    }
    byte[] k = KeyArena.utf8(key);
    int hash = KeyArena.hash(k);
    int id = slots.find(k, hash, entries, keys);
    if (id < 0 || entries.kind(id) != EntryColumns.kindCode(kind)) return;
    if (!entry.equals(entries.entry(id, expiresAt(id)))) return;
    long stamp = lock.writeLock();
    try {
      slots.remove(id, hash, entries, keys);
      if (entries.hasExpiry(id)) expiries.remove(id);
      entries.free(id);
    } finally {
      lock.unlockWrite(stamp);
    }
    keys.release(entries.keyRef(id));
    count(EntryColumns.kindCode(kind), -1);
    if (kind == RecordKind.PUT) expiring.remove(key);
    segments.count(entry, -1);
    // The id is handed out again only once no sorted array holds it (SortedKeyIndex).
    sorted.removed(id);
    if (keys.garbageBytes() >= Math.max(minGarbageBytes, keys.usedBytes() / 2)) compactKeys();
  }

  /**
   * Copies the keys of the directory into a fresh arena, leaving the bytes of keys that left
   * behind, and points every entry at its key's copy in one hold of the write lock (a few
   * milliseconds per million keys). Runs with the sorted array merged and no merge running, so that
   * no id outside the directory is still read as a key.
   */
  private void compactKeys() {
    sorted.whileMergedAndQuiet(
        () -> {
          int[] ids = memberIds();
          long[] refs = new long[ids.length];
          for (int i = 0; i < ids.length; i++) refs[i] = entries.keyRef(ids[i]);
          KeyArena fresh = keys.compacted(refs);
          long stamp = lock.writeLock();
          try {
            keys.adopt(fresh);
            for (int i = 0; i < ids.length; i++) entries.setKeyRef(ids[i], refs[i]);
          } finally {
            lock.unlockWrite(stamp);
          }
        });
  }

  /** Compacts the key arena now: for tests. */
  synchronized void compactKeysNow() {
    compactKeys();
  }

  /** Compacts the key arena from {@code bytes} of garbage on: for tests. */
  synchronized void compactKeysFrom(long bytes) {
    minGarbageBytes = bytes;
  }

  /** Bytes of keys that left the directory still held by its arena: for tests. */
  synchronized long garbageKeyBytes() {
    return keys.garbageBytes();
  }

  /** Whether {@code entry} is the current record of {@code key}, of {@code kind}. */
  boolean isCurrent(String key, KeyDirEntry entry, RecordKind kind) {
    return entry.equals(lookup(key, EntryColumns.kindCode(kind)));
  }

  void addSegment(Segment segment) {
    segments.add(segment);
  }

  void removeSegment(Segment segment) {
    segments.remove(segment);
  }

  Segment segment(int id) {
    return segments.get(id);
  }

  /** All segments in id order. */
  Collection<Segment> segments() {
    return segments.all();
  }

  // For SortedKeyIndex and SortedKeyView.

  /** Entry ids the sorted keys no longer hold: free to be handed out again. */
  void recycle(int[] ids) {
    synchronized (freeIds) { // not the mutator's monitor: a merge holds its own lock here
      for (int id : ids) freeIds.add(id);
    }
  }

  /** Whether entry {@code id} is a key of the directory. */
  boolean isMember(int id) {
    return entries.kind(id) != EntryColumns.FREE;
  }

  /** The keys of entries {@code a} and {@code b} compared in UTF-8 order. */
  int compareKeys(int a, int b) {
    return keys.compare(entries.keyRef(a), entries.keyRef(b));
  }

  /** A copy of the UTF-8 bytes of entry {@code id}'s key. */
  byte[] keyBytes(int id) {
    return keys.bytes(entries.keyRef(id));
  }

  /** The ids of every key, read a page at a time so that each page is read whole. */
  int[] memberIds() {
    int end = highWater;
    IntList ids = new IntList();
    for (int start = 0; start < end; start += EntryColumns.PAGE_ROWS) {
      int from = start;
      int to = Math.min(end, start + EntryColumns.PAGE_ROWS);
      int[] page =
          consistently(
              () -> {
                IntList found = new IntList();
                for (int id = from; id < to; id++) if (isMember(id)) found.add(id);
                return found.drain();
              });
      for (int id : page) ids.add(id);
    }
    return ids.drain();
  }

  /**
   * The first index of {@code ids} (sorted by key) whose key is after {@code key}, or at it if
   * {@code inclusive}.
   */
  int place(int[] ids, byte[] key, boolean inclusive) {
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = keys.compareAt(entries.keyRef(ids[mid]), key);
      if (c < 0 || (c == 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * As {@link #place(int[], byte[], boolean)}, for a bound given as a string in {@link KeyOrder}.
   */
  int place(int[] ids, String key, boolean inclusive) {
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      String at = new String(keyBytes(ids[mid]), java.nio.charset.StandardCharsets.UTF_8);
      int c = KeyOrder.compare(at, key);
      if (c < 0 || (c == 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where a scan's cursor got to: the array it walks, its next index, the key met (or null). */
  record Step(int[] ids, int pos, byte[] key) {}

  /** One step of a scan's cursor, run so that it sees no write half done. */
  Step step(Supplier<Step> step) {
    return consistently(step);
  }

  /** The entries of one kind as a read-only map. */
  private final class KindMap extends AbstractMap<String, KeyDirEntry> {
    private final int kind;

    KindMap(RecordKind kind) {
      this.kind = EntryColumns.kindCode(kind);
    }

    @Override
    public KeyDirEntry get(Object key) {
      return key instanceof String k ? lookup(k, kind) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      synchronized (KeyDirectory.this) {
        return (int) counts[kind];
      }
    }

    @Override
    public Set<Entry<String, KeyDirEntry>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return KindMap.this.size();
        }

        @Override
        public Iterator<Entry<String, KeyDirEntry>> iterator() {
          return new Iterator<>() {
            private int id;
            private Entry<String, KeyDirEntry> next;

            @Override
            public boolean hasNext() {
              while (next == null && id < highWater) {
                int at = id++;
                next =
                    consistently(
                        () -> {
                          if (entries.kind(at) != kind) return null;
                          return Map.entry(
                              new String(keyBytes(at), java.nio.charset.StandardCharsets.UTF_8),
                              entries.entry(at, expiresAt(at)));
                        });
              }
              return next != null;
            }

            @Override
            public Entry<String, KeyDirEntry> next() {
              if (!hasNext()) throw new NoSuchElementException();
              Entry<String, KeyDirEntry> n = next;
              next = null;
              return n;
            }
          };
        }
      };
    }
  }
}
