package io.pxkv.node.storage;

import java.util.Collection;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory index of a disk engine: for each live key, where its newest record is; for each
 * deleted key whose tombstone is still on disk, where that tombstone is; and the segments
 * themselves with their live-byte counts.
 *
 * <p>Live keys are held twice: a hash map for the point lookups every read does (a skip list
 * lookup cost more than the rest of a cached GET), and a sorted set of the same keys for paged
 * scans. Only the {@code kv-write} thread adds or removes live keys, updating the map first; a scan
 * that meets a key the map no longer has skips it.
 *
 * <p>Thread-safe. Only the {@code kv-write} thread changes whether a key is live ({@link #putLive},
 * {@link #putTombstone}); {@code kv-compact} only moves entries ({@link #relocate}) and forgets
 * tombstones ({@link #forgetTombstone}), each with a compare-and-swap that fails if a write got
 * there first. Live bytes are counted from the value each atomic operation actually replaced, so
 * the counts stay exact under that race.
 */
final class KeyDirectory {
  private final ConcurrentHashMap<String, KeyDirEntry> live = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<String> sortedLive = new ConcurrentSkipListSet<>();
  private final ConcurrentHashMap<String, KeyDirEntry> tombstones = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
  private final AtomicLong liveBytes = new AtomicLong();

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

  /** The live keys in order, for scans; may briefly hold a key just deleted. */
  NavigableSet<String> sortedKeys() {
    return sortedLive;
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
    if (replaced == null) sortedLive.add(key);
    count(replaced, -1);
    count(tombstones.remove(key), -1);
  }

  void putTombstone(String key, KeyDirEntry entry) {
    count(entry, +1);
    KeyDirEntry removed = live.remove(key);
    if (removed != null) sortedLive.remove(key);
    count(removed, -1);
    count(tombstones.put(key, entry), -1);
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
