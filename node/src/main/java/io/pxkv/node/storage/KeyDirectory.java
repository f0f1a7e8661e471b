package io.pxkv.node.storage;

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
 * The in-memory index of a disk engine: for each live key, where its newest record is; for each
 * deleted key whose tombstone is still on disk, where that tombstone is; and the segments
 * themselves with their live-byte counts.
 *
 * <p>Live keys are held twice: a hash map for the point lookups every read does (a skip list lookup
 * cost more than the rest of a cached GET), and a sorted set of the same keys for paged scans. Only
 * the {@code kv-write} thread adds or removes live keys, updating the map first; a scan that meets
 * a key the map no longer has skips it. After a restart the sorted set is built in the background
 * ({@link #buildSortedKeys}); scans wait for it, point reads and writes do not.
 *
 * <p>Thread-safe. Only the {@code kv-write} thread changes whether a key is live ({@link #putLive},
 * {@link #putTombstone}); {@code kv-compact} only moves entries ({@link #relocate}) and forgets
 * tombstones ({@link #forgetTombstone}), each with a compare-and-swap that fails if a write got
 * there first. Live bytes are counted from the value each atomic operation actually replaced, so
 * the counts stay exact under that race.
 */
final class KeyDirectory {
  /** Replaced only by {@link #recovering}, before any other thread sees this directory. */
  private ConcurrentHashMap<String, KeyDirEntry> live = new ConcurrentHashMap<>();

  /**
   * Null from {@link #recovering} until the background build ({@link #buildSortedKeys}) is done.
   */
  private volatile ConcurrentSkipListMap<String, Boolean> sortedLive =
      new ConcurrentSkipListMap<>();

  private volatile CountDownLatch sortedBuilt = new CountDownLatch(0);
  private volatile boolean loading;
  private final Object sortedLock = new Object();
  private List<String> changedWhileBuilding; // guarded by sortedLock
  private boolean buildStarted; // guarded by sortedLock
  private final ConcurrentHashMap<String, KeyDirEntry> tombstones = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
  private final AtomicLong liveBytes = new AtomicLong();

  /** A presized table costs 4 to 8 bytes per slot whether filled or not: no more than 64 MB. */
  private static final int MAX_PRESIZED_KEYS = 8 << 20;

  private static final int MAX_CHANGES_BEFORE_BUILD = 1 << 16;

  KeyDirEntry get(String key) {
    return live.get(key);
  }

  KeyDirEntry tombstone(String key) {
    return tombstones.get(key);
  }

  /** The version of the key's newest write this directory knows of (live or deleted), else 0. */
  long latestVersion(String key) {
    KeyDirEntry e = live.get(key);
    if (e != null) return e.version();
    KeyDirEntry t = tombstones.get(key);
    return t == null ? 0 : t.version();
  }

  /**
   * The version an import must beat: the live one, else a tombstone's if it is at least {@code
   * tombstonesFrom}; 0 when nothing blocks.
   */
  long blockingVersion(String key, long tombstonesFrom) {
    KeyDirEntry e = live.get(key);
    if (e != null) return e.version();
    KeyDirEntry t = tombstones.get(key);
    return t == null || t.version() < tombstonesFrom ? 0 : t.version();
  }

  /** Every live key and its entry, in no order. */
  Map<String, KeyDirEntry> live() {
    return live;
  }

  /**
   * The live keys in order, for scans; may briefly hold a key just deleted. Right after a restart
   * this starts the build of the sorted keys if nobody has, and waits until they are built
   * (blocking: scans run on worker threads).
   */
  NavigableSet<String> sortedKeys() {
    ConcurrentSkipListMap<String, Boolean> sorted = sortedLive;
    if (sorted == null) buildSortedKeys();
    while (sorted == null) {
      try {
        sortedBuilt.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the key index was being built", e);
      }
      sorted = sortedLive;
    }
    return sorted.keySet();
  }

  /** Whether scans can run without waiting for the sorted keys. */
  boolean sortedKeysBuilt() {
    return sortedLive != null;
  }

  Map<String, KeyDirEntry> tombstones() {
    return tombstones;
  }

  long size() {
    return live.size();
  }

  long liveBytes() {
    return liveBytes.get();
  }

  void putLive(String key, KeyDirEntry entry) {
    count(entry, +1);
    KeyDirEntry replaced = live.put(key, entry);
    if (replaced == null) sortedChanged(key, true);
    count(replaced, -1);
    count(tombstones.remove(key), -1);
  }

  void putTombstone(String key, KeyDirEntry entry) {
    count(entry, +1);
    KeyDirEntry removed = live.remove(key);
    if (removed != null) sortedChanged(key, false);
    count(removed, -1);
    count(tombstones.put(key, entry), -1);
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
    sortedLive = null;
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
   * Sorts the live keys and builds the skip list from them in one pass, on a thread of its own
   * ({@code kv-index}), while point reads and writes go on; keys that writes add or remove
   * meanwhile are applied at the end. The node starts this once it is serving, so that the build
   * does not compete with its start for the cores; a scan that comes first starts it itself, and
   * every scan waits for it ({@link #sortedKeys}). Does nothing after the first call, or when the
   * keys are already sorted.
   */
  void buildSortedKeys() {
    synchronized (sortedLock) {
      if (sortedLive != null || buildStarted) return;
      buildStarted = true;
    }
    Thread build = new Thread(this::buildSorted, "kv-index");
    build.setDaemon(true);
    build.start();
  }

  private void buildSorted() {
    ConcurrentSkipListMap<String, Boolean> built;
    try {
      String[] keys = live.keySet().toArray(new String[0]);
      Arrays.parallelSort(keys);
      built = new ConcurrentSkipListMap<>(new SortedKeys(keys));
    } catch (RuntimeException | OutOfMemoryError e) {
      built = new ConcurrentSkipListMap<>();
      for (String key : live.keySet()) built.put(key, Boolean.TRUE);
    }
    synchronized (sortedLock) {
      for (String key : changedWhileBuilding) {
        if (live.containsKey(key)) {
          built.put(key, Boolean.TRUE);
        } else {
          built.remove(key);
        }
      }
      changedWhileBuilding = null;
      sortedLive = built;
    }
    sortedBuilt.countDown();
  }

  /** Keeps the sorted keys in step with {@code live} after {@code key} was added or removed. */
  private void sortedChanged(String key, boolean added) {
    ConcurrentSkipListMap<String, Boolean> sorted = sortedLive;
    if (sorted == null) {
      if (loading) return; // the build starts from everything loaded
      synchronized (sortedLock) {
        sorted = sortedLive;
        if (sorted == null) {
          changedWhileBuilding.add(key);
          // Nobody asked for the build yet (an engine used without a node): start it rather
          // than let the list of changes grow without end.
          if (changedWhileBuilding.size() >= MAX_CHANGES_BEFORE_BUILD) buildSortedKeys();
          return;
        }
      }
    }
    if (added) {
      sorted.put(key, Boolean.TRUE);
    } else {
      sorted.remove(key);
    }
  }

  /**
   * Applies a record found on disk at startup if it is newer than what is known for its key.
   * Records are met in no particular version order (compaction output mixes ages), so the version,
   * not the file order, decides.
   */
  void recover(String key, KeyDirEntry entry, boolean tombstone) {
    if (entry.version() <= latestVersion(key)) return;
    if (tombstone) {
      putTombstone(key, entry);
    } else {
      putLive(key, entry);
    }
  }

  /** Points {@code key} at {@code to} if it still points at {@code from}; false if a write won. */
  boolean relocate(String key, KeyDirEntry from, KeyDirEntry to, boolean tombstone) {
    boolean moved = tombstone ? tombstones.replace(key, from, to) : live.replace(key, from, to);
    if (moved) {
      count(to, +1);
      count(from, -1);
    }
    return moved;
  }

  /**
   * Where the records this directory points at (live values and tombstones) start in each of {@code
   * segmentIds}: one sorted array of offsets per segment. Compaction copies exactly these rather
   * than read every record of its inputs and look each one up: under overwrites nearly all of a
   * segment is dead, and that lookup was most of the cost. A write racing this walk can only make a
   * listed record dead, or replace an entry before the walk reaches it; either way the record left
   * out is one compaction may drop, and a copied record that went dead is not swapped in ({@link
   * #relocate}).
   */
  Map<Integer, long[]> recordOffsets(Set<Integer> segmentIds) {
    Map<Integer, LongStream.Builder> found = new HashMap<>();
    for (int id : segmentIds) found.put(id, LongStream.builder());
    addOffsets(live.values(), found);
    addOffsets(tombstones.values(), found);
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

  /** Forgets a tombstone that compaction did not copy, if it is still the key's state. */
  void forgetTombstone(String key, KeyDirEntry entry) {
    if (tombstones.remove(key, entry)) count(entry, -1);
  }

  /** Whether {@code entry} is the current record of {@code key}, live or tombstone. */
  boolean isCurrent(String key, KeyDirEntry entry, boolean tombstone) {
    return entry.equals(tombstone ? tombstones.get(key) : live.get(key));
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
