package io.pxkv.node.storage;

import java.util.Collection;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The segments of a disk engine by id, with their live-byte counts (bytes of the records the key
 * directory points at) and the total of them. Thread-safe.
 */
final class SegmentRegistry {
  private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
  private final AtomicLong liveBytes = new AtomicLong();

  void add(Segment segment) {
    segments.put(segment.id(), segment);
  }

  void remove(Segment segment) {
    segments.remove(segment.id(), segment);
  }

  Segment get(int id) {
    return segments.get(id);
  }

  /** All segments in id order. */
  Collection<Segment> all() {
    return segments.values();
  }

  long liveBytes() {
    return liveBytes.get();
  }

  /** Counts {@code entry}'s record as live ({@code sign} +1) or dead (-1); null counts nothing. */
  void count(KeyDirEntry entry, int sign) {
    if (entry == null) return;
    liveBytes.addAndGet(sign * (long) entry.size());
    Segment s = segments.get(entry.segmentId());
    if (s != null) s.addLive(sign * (long) entry.size());
  }
}
