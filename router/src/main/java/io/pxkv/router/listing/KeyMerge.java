package io.pxkv.router.listing;

import io.pxkv.common.kv.KeyOrder;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A k-way merge of the nodes' scans, each in {@link KeyOrder#UTF8} order, into one record per key:
 * the newest of its copies ({@link ScanRecord#supersedes}), which may be a tombstone (the caller
 * skips those, but a deleted key's tombstone still hides its older live copies elsewhere) or a
 * handoff marker (the key left a node after the others' scans showed no newer copy of it: the
 * caller reads it on its owner). Between a marker and a record of the same write, the record wins:
 * it is the copy that arrived. Plain data, no I/O: records are fed to lanes as they arrive and
 * taken out as soon as they are certain.
 *
 * <p>The smallest key held is certain once every lane holds a record or has ended: a lane's records
 * come in order, so a lane holding one can send nothing before it. An empty lane that has not ended
 * may still send a copy of it, so the merge waits for that lane ({@link #waitingFor}). For pages
 * this is the rule "only keys up to the smallest last key of the nodes that sent a full page": such
 * a node's lane runs empty exactly when the merge reaches its last key.
 *
 * <p>Not thread-safe; used on one event loop.
 */
final class KeyMerge {
  private final Lane[] lanes;

  /** Lanes holding at least one record, by their first key. */
  private final PriorityQueue<Lane> heads =
      new PriorityQueue<>((a, b) -> KeyOrder.UTF8.compare(a.peekKey(), b.peekKey()));

  KeyMerge(int laneCount) {
    lanes = new Lane[laneCount];
    for (int i = 0; i < laneCount; i++) lanes[i] = new Lane();
  }

  int laneCount() {
    return lanes.length;
  }

  /**
   * Adds the next record of lane {@code lane}.
   *
   * @throws IllegalArgumentException if its key is not after the lane's previous key, or the lane
   *     has ended: that node's scan is broken
   */
  void add(int lane, ScanRecord record) {
    Lane l = lanes[lane];
    if (l.ended) throw new IllegalArgumentException("a record after the end of the scan");
    if (l.lastKey != null && KeyOrder.UTF8.compare(record.key(), l.lastKey) <= 0) {
      throw new IllegalArgumentException(
          "key '" + record.key() + "' came after '" + l.lastKey + "', out of order");
    }
    boolean wasEmpty = l.records.isEmpty();
    l.records.add(record);
    l.bytes += record.size();
    l.lastKey = record.key();
    if (wasEmpty) heads.add(l);
  }

  /** Lane {@code lane} will send nothing more. */
  void end(int lane) {
    lanes[lane].ended = true;
  }

  /**
   * The next key's newest record, or null when none is certain yet ({@link #waitingFor} names the
   * lanes to feed) or every lane is done ({@link #finished}).
   */
  ScanRecord next() {
    Lane first = heads.peek();
    if (first == null) return null;
    for (Lane l : lanes) {
      if (l.mayStillSend()) return null;
    }
    String key = first.peekKey();
    ScanRecord newest = null;
    while (!heads.isEmpty() && heads.peek().peekKey().equals(key)) {
      Lane l = heads.poll();
      ScanRecord r = l.records.poll();
      l.bytes -= r.size();
      if (!l.records.isEmpty()) heads.add(l);
      if (newest == null || r.supersedes(newest)) newest = r;
    }
    return newest;
  }

  /** Whether every lane has ended and every record has been taken. */
  boolean finished() {
    if (!heads.isEmpty()) return false;
    for (Lane l : lanes) {
      if (!l.ended) return false;
    }
    return true;
  }

  /** Whether {@link #next} waits for lane {@code lane}: it holds nothing and has not ended. */
  boolean waitingFor(int lane) {
    return lanes[lane].mayStillSend();
  }

  /** Whether lane {@code lane} has ended (it may still hold records). */
  boolean ended(int lane) {
    return lanes[lane].ended;
  }

  /** The last key lane {@code lane} sent, or null before its first: where its scan resumes. */
  String lastKey(int lane) {
    return lanes[lane].lastKey;
  }

  /** About how much memory lane {@code lane}'s held records take ({@link ScanRecord#size}). */
  long heldBytes(int lane) {
    return lanes[lane].bytes;
  }

  /** The records held for one lane: the head of its scan not merged yet. */
  private static final class Lane {
    final ArrayDeque<ScanRecord> records = new ArrayDeque<>();
    String lastKey;
    boolean ended;
    long bytes;

    String peekKey() {
      return records.peek().key();
    }

    /** Whether this lane might still send a key before those the other lanes hold. */
    boolean mayStillSend() {
      return records.isEmpty() && !ended;
    }
  }
}
