package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * The in-memory index of a disk engine: where the current record of each key is, in one of three
 * maps by its kind (a key is in at most one): live keys (PUT), deleted keys whose tombstone is
 * still on disk (DELETE), keys handed off whose marker is still on disk (HANDOFF); and the segments
 * with their live-byte counts (bytes of current records).
 *
 * <p>The keys of each map are also held in sorted sets ({@link KeyOrder#UTF8}) for scans: a hash
 * map serves the point lookups every read does (a skip list lookup cost more than the rest of a
 * cached GET). The maps are updated first; a scan that meets a key its map no longer has skips it.
 * A key that changes kind is added to its new sorted set before it leaves its old one, so a scan
 * that looks it up in every set always finds it in one. After a restart the sorted sets are built
 * in the background ({@link #buildSortedKeys}); scans wait for them, point reads and writes do not.
 *
 * <p>Thread-safe. Only the {@code kv-write} thread changes a key's kind ({@link #put}); {@code
 * kv-compact} only moves entries ({@link #relocate}) and forgets tombstones and markers ({@link
 * #forget}), each with a compare-and-swap that fails if a write got there first. Live bytes are
 * counted from the value each atomic operation actually replaced, so the counts stay exact under
 * that race.
 */
final class KeyDirectory {
  /** Replaced only by {@link #recovering}, before any other thread sees this directory. */
  private ConcurrentHashMap<String, KeyDirEntry> live = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, KeyDirEntry> tombstones = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, KeyDirEntry> handoffs = new ConcurrentHashMap<>();

  /**
   * Every key of {@link #live}, {@link #tombstones} and {@link #handoffs}, in UTF-8 order: one set
   * for all three kinds, so that a key changing kind (deleted, handed off, written again) never
   * leaves it, and a scan walking it can never miss a key that was there throughout. A key leaves
   * it only when it leaves all three maps (compaction forgets its tombstone or marker).
   *
   * <p>Null from {@link #recovering} until the background build ({@link #buildSortedKeys}) is done.
   */
  private volatile ConcurrentSkipListMap<String, Boolean> sorted = sortedMap();

  private volatile CountDownLatch sortedBuilt = new CountDownLatch(0);
  private volatile boolean loading;
  private final Object sortedLock = new Object();
  private List<String> changedWhileBuilding; // guarded by sortedLock
  private boolean buildStarted; // guarded by sortedLock
  private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
  private final AtomicLong liveBytes = new AtomicLong();

  /** A presized table costs 4 to 8 bytes per slot whether filled or not: no more than 64 MB. */
  private static final int MAX_PRESIZED_KEYS = 8 << 20;

  private static final int MAX_CHANGES_BEFORE_BUILD = 1 << 16;

  private static ConcurrentSkipListMap<String, Boolean> sortedMap() {
    return new ConcurrentSkipListMap<>(KeyOrder.UTF8);
  }

  /** The key's live entry, or null. */
  KeyDirEntry get(String key) {
    return live.get(key);
  }

  /** The key's tombstone entry (DELETE), or null. */
  KeyDirEntry tombstone(String key) {
    return tombstones.get(key);
  }

  /** The key's handoff marker entry, or null. */
  KeyDirEntry handoff(String key) {
    return handoffs.get(key);
  }

  /** Every live key and its entry, in no order. */
  Map<String, KeyDirEntry> live() {
    return live;
  }

  Map<String, KeyDirEntry> tombstones() {
    return tombstones;
  }

  Map<String, KeyDirEntry> handoffs() {
    return handoffs;
  }

  /**
   * Every key this directory knows (live, deleted with its tombstone held, or handed off with its
   * marker held) in UTF-8 order, for scans, which look each key's kind up in the maps. Right after
   * a restart this starts the build of the sorted keys if nobody has, and waits until they are
   * built (blocking: scans run on worker threads).
   */
  NavigableSet<String> sortedKeys() {
    return awaitSorted().keySet();
  }

  /** Whether the key is in any of the three maps. */
  private boolean known(String key) {
    return live.containsKey(key) || tombstones.containsKey(key) || handoffs.containsKey(key);
  }

  private ConcurrentSkipListMap<String, Boolean> awaitSorted() {
    ConcurrentSkipListMap<String, Boolean> s = sorted;
    if (s == null) buildSortedKeys();
    while (s == null) {
      try {
        sortedBuilt.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the key index was being built", e);
      }
      s = sorted;
    }
    return s;
  }

  /** Whether scans can run without waiting for the sorted keys. */
  boolean sortedKeysBuilt() {
    return sorted != null;
  }

  long size() {
    return live.size();
  }

  long liveBytes() {
    return liveBytes.get();
  }

  /** Makes {@code entry}, a record of {@code kind} just written, the key's current record. */
  void put(String key, KeyDirEntry entry, RecordKind kind) {
    switch (kind) {
      case PUT -> putLive(key, entry);
      case DELETE -> putTombstone(key, entry);
      case HANDOFF -> putHandoff(key, entry);
    }
  }

  void putLive(String key, KeyDirEntry entry) {
    if (sorted == null) noteWhileBuilding(key);
    count(entry, +1);
    KeyDirEntry replaced = live.put(key, entry);
    if (replaced != null) {
      count(replaced, -1); // an overwrite: the key was in no other map
      return;
    }
    KeyDirEntry tombstone = tombstones.remove(key);
    if (tombstone != null) {
      count(tombstone, -1);
      return;
    }
    KeyDirEntry marker = handoffs.remove(key);
    if (marker != null) {
      count(marker, -1);
      return;
    }
    sortedChanged(key, true); // a key new to the directory
  }

  void putTombstone(String key, KeyDirEntry entry) {
    if (sorted == null) noteWhileBuilding(key);
    count(entry, +1);
    KeyDirEntry replaced = tombstones.put(key, entry);
    if (replaced != null) {
      count(replaced, -1);
      return;
    }
    KeyDirEntry removed = live.remove(key);
    if (removed != null) {
      count(removed, -1);
      return;
    }
    KeyDirEntry marker = handoffs.remove(key);
    if (marker != null) {
      count(marker, -1);
      return;
    }
    sortedChanged(key, true);
  }

  void putHandoff(String key, KeyDirEntry entry) {
    if (sorted == null) noteWhileBuilding(key);
    count(entry, +1);
    KeyDirEntry replaced = handoffs.put(key, entry);
    if (replaced != null) {
      count(replaced, -1);
      return;
    }
    KeyDirEntry removed = live.remove(key);
    if (removed != null) count(removed, -1);
    KeyDirEntry tombstone = tombstones.remove(key);
    if (tombstone != null) count(tombstone, -1);
    if (removed == null && tombstone == null) sortedChanged(key, true);
  }

  /**
   * Startup: from now on only the hash maps are kept up to date; {@link #buildSortedKeys} builds
   * the sorted keys. Inserting a million keys one by one into the skip list was half of a restart.
   * The hash map is made anew, sized for {@code expectedKeys}; startup calls this before any other
   * thread uses the directory.
   */
  void recovering(long expectedKeys) {
    live = new ConcurrentHashMap<>((int) Math.min(expectedKeys, MAX_PRESIZED_KEYS));
    sortedBuilt = new CountDownLatch(1);
    sorted = null;
    loading = true;
  }

  /**
   * Startup's records are all in: from now on writes that add or remove keys are recorded, to be
   * applied to the sorted keys when {@link #buildSortedKeys} has built them.
   */
  void recovered() {
    synchronized (sortedLock) {
      changedWhileBuilding = new ArrayList<>();
      loading = false;
    }
  }

  /**
   * Sorts every key (live, tombstones' and markers') and builds the skip list from them in one
   * pass, on a thread of its own ({@code kv-index}), while point reads and writes go on; keys that
   * writes add or remove meanwhile are applied at the end. The node starts this once it is serving,
   * so that the build does not compete with its start for the cores; a scan that comes first starts
   * it itself, and every scan waits for it ({@link #sortedKeys}). Does nothing after the first
   * call, or when the keys are already sorted.
   */
  void buildSortedKeys() {
    synchronized (sortedLock) {
      if (sorted != null || buildStarted) return;
      buildStarted = true;
    }
    Thread build = new Thread(this::buildSorted, "kv-index");
    build.setDaemon(true);
    build.start();
  }

  private void buildSorted() {
    ConcurrentSkipListMap<String, Boolean> built = sortedOfAll();
    synchronized (sortedLock) {
      for (String key : changedWhileBuilding) applyMembership(built, key, known(key));
      changedWhileBuilding = null;
      sorted = built;
    }
    sortedBuilt.countDown();
  }

  private ConcurrentSkipListMap<String, Boolean> sortedOfAll() {
    try {
      String[] keys = new String[live.size() + tombstones.size() + handoffs.size()];
      int n = 0;
      for (Map<String, KeyDirEntry> map : List.of(live, tombstones, handoffs)) {
        for (String key : map.keySet()) {
          if (n == keys.length) keys = Arrays.copyOf(keys, n * 2 + 16); // grew meanwhile
          keys[n++] = key;
        }
      }
      keys = Arrays.copyOf(keys, n);
      Arrays.parallelSort(keys, KeyOrder.UTF8);
      // A key may be in two maps for an instant while it changes kind: keep it once.
      int unique = 0;
      for (int i = 0; i < keys.length; i++) {
        if (unique == 0 || !keys[i].equals(keys[unique - 1])) keys[unique++] = keys[i];
      }
      return new ConcurrentSkipListMap<>(new SortedKeys(Arrays.copyOf(keys, unique)));
    } catch (RuntimeException | OutOfMemoryError e) {
      ConcurrentSkipListMap<String, Boolean> built = sortedMap();
      for (Map<String, KeyDirEntry> map : List.of(live, tombstones, handoffs)) {
        for (String key : map.keySet()) built.put(key, Boolean.TRUE);
      }
      return built;
    }
  }

  private static void applyMembership(
      ConcurrentSkipListMap<String, Boolean> set, String key, boolean member) {
    if (member) {
      set.put(key, Boolean.TRUE);
    } else {
      set.remove(key);
    }
  }

  /**
   * While the sorted keys are being built, a key that changes kind is noted whatever the change:
   * the build reads the three maps one after another, and could meet such a key in none of them.
   * The build applies every noted key's state at its end.
   */
  private void noteWhileBuilding(String key) {
    if (loading) return; // the build starts from everything loaded
    boolean buildNow = false;
    synchronized (sortedLock) {
      if (sorted == null && changedWhileBuilding != null) {
        changedWhileBuilding.add(key);
        buildNow = changedWhileBuilding.size() >= MAX_CHANGES_BEFORE_BUILD;
      }
    }
    // Nobody asked for the build yet (an engine used without a node): start it rather than let
    // the list of changes grow without end.
    if (buildNow) buildSortedKeys();
  }

  /** Keeps the sorted keys in step with the maps after {@code key} joined or left all of them. */
  private void sortedChanged(String key, boolean added) {
    ConcurrentSkipListMap<String, Boolean> s = sorted;
    if (s == null) {
      if (loading) return; // the build starts from everything loaded
      synchronized (sortedLock) {
        s = sorted;
        if (s == null) {
          changedWhileBuilding.add(key);
          // Nobody asked for the build yet (an engine used without a node): start it rather
          // than let the list of changes grow without end.
          if (changedWhileBuilding.size() >= MAX_CHANGES_BEFORE_BUILD) buildSortedKeys();
          return;
        }
      }
    }
    applyMembership(s, key, added);
  }

  /**
   * Applies a record found on disk at startup if its seq is higher than that of the key's current
   * record. Records are met in no particular order (compaction output mixes ages), so the seq, not
   * the file order, decides.
   */
  void recover(String key, KeyDirEntry entry, RecordKind kind) {
    KeyDirEntry current = live.get(key);
    if (current == null) current = tombstones.get(key);
    if (current == null) current = handoffs.get(key);
    if (current != null && entry.seq() <= current.seq()) return;
    put(key, entry, kind);
  }

  private ConcurrentHashMap<String, KeyDirEntry> mapOf(RecordKind kind) {
    return switch (kind) {
      case PUT -> live;
      case DELETE -> tombstones;
      case HANDOFF -> handoffs;
    };
  }

  /** Points {@code key} at {@code to} if it still points at {@code from}; false if a write won. */
  boolean relocate(String key, KeyDirEntry from, KeyDirEntry to, RecordKind kind) {
    boolean moved = mapOf(kind).replace(key, from, to);
    if (moved) {
      count(to, +1);
      count(from, -1);
    }
    return moved;
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
    addOffsets(live.values(), found);
    addOffsets(tombstones.values(), found);
    addOffsets(handoffs.values(), found);
    Map<Integer, long[]> offsets = new HashMap<>();
    found.forEach((id, builder) -> offsets.put(id, builder.build().sorted().toArray()));
    return offsets;
  }

  private static void addOffsets(
      Collection<KeyDirEntry> entries, Map<Integer, LongStream.Builder> found) {
    for (KeyDirEntry e : entries) {
      LongStream.Builder offsets = found.get(e.segmentId());
      if (offsets != null) offsets.add(e.offset());
    }
  }

  /**
   * Forgets a tombstone or handoff marker that compaction did not copy, if it is still the key's
   * current record.
   */
  void forget(String key, KeyDirEntry entry, RecordKind kind) {
    if (kind == RecordKind.PUT)
      throw new IllegalArgumentException("live records are never dropped");
    ConcurrentHashMap<String, KeyDirEntry> map = mapOf(kind);
    if (!map.remove(key, entry)) return;
    count(entry, -1);
    if (known(key)) return;
    sortedChanged(key, false);
    // The writer may have written a new record between the look above and the removal, and
    // found the key already in the sorted set: put it back.
    if (known(key)) sortedChanged(key, true);
  }

  /** Whether {@code entry} is the current record of {@code key}, of {@code kind}. */
  boolean isCurrent(String key, KeyDirEntry entry, RecordKind kind) {
    return entry.equals(mapOf(kind).get(key));
  }

  void addSegment(Segment segment) {
    segments.put(segment.id(), segment);
  }

  void removeSegment(Segment segment) {
    segments.remove(segment.id(), segment);
  }

  Segment segment(int id) {
    return segments.get(id);
  }

  /** All segments in id order. */
  Collection<Segment> segments() {
    return segments.values();
  }

  private void count(KeyDirEntry entry, int sign) {
    if (entry == null) return;
    liveBytes.addAndGet(sign * (long) entry.size());
    Segment s = segments.get(entry.segmentId());
    if (s != null) s.addLive(sign * (long) entry.size());
  }
}
