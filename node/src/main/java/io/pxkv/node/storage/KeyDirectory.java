package io.pxkv.node.storage;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

/**
 * The in-memory index of a disk engine: where the current record of each key is, in one of three
 * maps by its kind (a key is in at most one): live keys (PUT), deleted keys whose tombstone is
 * still on disk (DELETE), keys handed off whose marker is still on disk (HANDOFF); the segments
 * with their live-byte counts ({@link SegmentRegistry}); and every key in order for scans ({@link
 * SortedKeyIndex}).
 *
 * <p>Hash maps serve the point lookups every read does (a skip list lookup cost more than the rest
 * of a cached GET). The maps are updated first; a scan that meets a key its map no longer has skips
 * it. A key that changes kind is added to its new map before it leaves its old one, so a reader
 * that looks it up in every map in turn, twice, finds it. After a restart the sorted keys are built
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
  private final SegmentRegistry segments = new SegmentRegistry();
  private final ExpiringKeys expiring = new ExpiringKeys();
  private final SortedKeyIndex sorted =
      new SortedKeyIndex(
          this::known, () -> List.of(live.keySet(), tombstones.keySet(), handoffs.keySet()));

  /** A presized table costs 4 to 8 bytes per slot whether filled or not: no more than 64 MB. */
  private static final int MAX_PRESIZED_KEYS = 8 << 20;

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
    return sorted.keys();
  }

  /** Whether the key is in any of the three maps. */
  private boolean known(String key) {
    return live.containsKey(key) || tombstones.containsKey(key) || handoffs.containsKey(key);
  }

  /** Whether scans can run without waiting for the sorted keys. */
  boolean sortedKeysBuilt() {
    return sorted.isBuilt();
  }

  long size() {
    return live.size();
  }

  long liveBytes() {
    return segments.liveBytes();
  }

  /** Makes {@code entry}, a record of {@code kind} just written, the key's current record. */
  void put(String key, KeyDirEntry entry, RecordKind kind) {
    switch (kind) {
      case PUT -> putLive(key, entry);
      case DELETE -> putTombstone(key, entry);
      case HANDOFF -> putHandoff(key, entry);
    }
    expiring.track(key, kind == RecordKind.PUT && entry.expiresAt() != 0);
  }

  /** The live keys whose value expires, for the active expiry cycle. */
  ExpiringKeys expiring() {
    return expiring;
  }

  void putLive(String key, KeyDirEntry entry) {
    sorted.changing(key);
    segments.count(entry, +1);
    KeyDirEntry replaced = live.put(key, entry);
    if (replaced != null) {
      segments.count(replaced, -1); // an overwrite: the key was in no other map
      return;
    }
    KeyDirEntry tombstone = tombstones.remove(key);
    if (tombstone != null) {
      segments.count(tombstone, -1);
      return;
    }
    KeyDirEntry marker = handoffs.remove(key);
    if (marker != null) {
      segments.count(marker, -1);
      return;
    }
    sorted.changed(key, true); // a key new to the directory
  }

  void putTombstone(String key, KeyDirEntry entry) {
    sorted.changing(key);
    segments.count(entry, +1);
    KeyDirEntry replaced = tombstones.put(key, entry);
    if (replaced != null) {
      segments.count(replaced, -1);
      return;
    }
    KeyDirEntry removed = live.remove(key);
    if (removed != null) {
      segments.count(removed, -1);
      return;
    }
    KeyDirEntry marker = handoffs.remove(key);
    if (marker != null) {
      segments.count(marker, -1);
      return;
    }
    sorted.changed(key, true);
  }

  void putHandoff(String key, KeyDirEntry entry) {
    sorted.changing(key);
    segments.count(entry, +1);
    KeyDirEntry replaced = handoffs.put(key, entry);
    if (replaced != null) {
      segments.count(replaced, -1);
      return;
    }
    KeyDirEntry removed = live.remove(key);
    if (removed != null) segments.count(removed, -1);
    KeyDirEntry tombstone = tombstones.remove(key);
    if (tombstone != null) segments.count(tombstone, -1);
    if (removed == null && tombstone == null) sorted.changed(key, true);
  }

  /**
   * Startup: from now on only the hash maps are kept up to date; {@link #buildSortedKeys} builds
   * the sorted keys. The hash map is made anew, sized for {@code expectedKeys}; startup calls this
   * before any other thread uses the directory.
   */
  void recovering(long expectedKeys) {
    live = new ConcurrentHashMap<>((int) Math.min(expectedKeys, MAX_PRESIZED_KEYS));
    sorted.loading();
  }

  /**
   * Startup's records are all in: from now on writes that add or remove keys are recorded, to be
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
      segments.count(to, +1);
      segments.count(from, -1);
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
   * Forgets a tombstone, a handoff marker or an expired value that compaction did not copy, if it
   * is still the key's current record.
   */
  void forget(String key, KeyDirEntry entry, RecordKind kind) {
    if (kind == RecordKind.PUT && entry.expiresAt() == 0) {
      throw new IllegalArgumentException("live records that never expire are never dropped");
    }
    ConcurrentHashMap<String, KeyDirEntry> map = mapOf(kind);
    if (!map.remove(key, entry)) return;
    if (kind == RecordKind.PUT) expiring.remove(key);
    segments.count(entry, -1);
    if (known(key)) return;
    sorted.changed(key, false);
    // The writer may have written a new record between the look above and the removal, and
    // found the key already in the sorted set: put it back.
    if (known(key)) sorted.changed(key, true);
  }

  /** Whether {@code entry} is the current record of {@code key}, of {@code kind}. */
  boolean isCurrent(String key, KeyDirEntry entry, RecordKind kind) {
    return entry.equals(mapOf(kind).get(key));
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
}
