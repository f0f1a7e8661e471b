package io.pxkv.node.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * When a closed segment is worth rewriting: its dead bytes (records overwritten or deleted since)
 * are at least {@code deadRatio} of its size and at least {@code minDeadBytes}. Checked every
 * {@code checkIntervalMillis} and after each segment roll-over. Pure data: {@link Compactor} acts
 * on it.
 *
 * @param enabled false turns background compaction off ({@code compact()} still works)
 * @param deadRatio dead share of a segment that makes it a candidate, in (0, 1]
 * @param minDeadBytes dead bytes a segment must hold to be a candidate
 * @param checkIntervalMillis how often the policy is checked
 */
public record CompactionPolicy(
    boolean enabled, double deadRatio, long minDeadBytes, long checkIntervalMillis) {

  public static final double DEFAULT_DEAD_RATIO = 0.5;
  public static final long DEFAULT_MIN_DEAD_BYTES = 16L << 20;
  public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 60_000;
  public static final CompactionPolicy DEFAULT =
      new CompactionPolicy(
          true, DEFAULT_DEAD_RATIO, DEFAULT_MIN_DEAD_BYTES, DEFAULT_CHECK_INTERVAL_MILLIS);

  /** Background compaction off: only an explicit {@code compact()} rewrites segments. */
  public static final CompactionPolicy MANUAL =
      new CompactionPolicy(
          false, DEFAULT_DEAD_RATIO, DEFAULT_MIN_DEAD_BYTES, DEFAULT_CHECK_INTERVAL_MILLIS);

  public CompactionPolicy {
    if (!(deadRatio > 0 && deadRatio <= 1)) {
      throw new IllegalArgumentException("deadRatio: must be in (0, 1] (was " + deadRatio + ")");
    }
    if (minDeadBytes < 0) {
      throw new IllegalArgumentException("minDeadBytes: must be >= 0 (was " + minDeadBytes + ")");
    }
    if (checkIntervalMillis < 1) {
      throw new IllegalArgumentException(
          "checkIntervalMillis: must be >= 1 (was " + checkIntervalMillis + ")");
    }
  }

  /** Whether a segment of {@code size} bytes of which {@code live} are live should be rewritten. */
  public boolean shouldCompact(long size, long live) {
    long dead = size - live;
    return size > 0 && dead >= minDeadBytes && dead >= deadRatio * size;
  }

  /** The closed segments this policy picks, in id order. */
  List<Segment> pick(Collection<Segment> closed) {
    List<Segment> picked = new ArrayList<>();
    for (Segment s : closed) {
      if (shouldCompact(s.size(), s.liveBytes())) picked.add(s);
    }
    return picked;
  }
}
