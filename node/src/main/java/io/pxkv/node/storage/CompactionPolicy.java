package io.pxkv.node.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * When a closed segment is worth rewriting, for one of two reasons:
 *
 * <ul>
 *   <li>its dead bytes (records overwritten or deleted since) are at least {@code deadRatio} of its
 *       size and at least {@code minDeadBytes};
 *   <li>the live value bytes it holds as given that compaction should deflate ({@link
 *       Segment#pendingRawBytes}) are at least {@code rawRatio} of its size: values are written as
 *       given and deflated only when compacted, so a data set written once and never overwritten is
 *       deflated too. At most {@link #RAW_SEGMENTS_PER_RUN} such segments are picked at once;
 *       {@link Compactor} paces the runs.
 * </ul>
 *
 * Checked every {@code checkIntervalMillis} and after each segment roll-over. Pure data: {@link
 * Compactor} acts on it.
 *
 * @param enabled false turns background compaction off ({@code compact()} still works)
 * @param deadRatio dead share of a segment that makes it a candidate, in (0, 1]
 * @param minDeadBytes dead bytes a segment must hold to be a candidate
 * @param checkIntervalMillis how often the policy is checked
 * @param rawRatio share of a segment in values waiting to be deflated that makes it a candidate, in
 *     (0, 1]
 */
public record CompactionPolicy(
    boolean enabled,
    double deadRatio,
    long minDeadBytes,
    long checkIntervalMillis,
    double rawRatio) {

  public static final double DEFAULT_DEAD_RATIO = 0.5;
  public static final long DEFAULT_MIN_DEAD_BYTES = 16L << 20;
  public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 60_000;
  public static final double DEFAULT_RAW_RATIO = 0.25;

  /**
   * Segments picked for their raw bytes alone in one compaction: one compaction stays a few
   * segments' worth of deflate, and the writer gets its share of the CPU between them.
   */
  static final int RAW_SEGMENTS_PER_RUN = 2;

  public static final CompactionPolicy DEFAULT =
      new CompactionPolicy(
          true,
          DEFAULT_DEAD_RATIO,
          DEFAULT_MIN_DEAD_BYTES,
          DEFAULT_CHECK_INTERVAL_MILLIS,
          DEFAULT_RAW_RATIO);

  /** Background compaction off: only an explicit {@code compact()} rewrites segments. */
  public static final CompactionPolicy MANUAL =
      new CompactionPolicy(
          false,
          DEFAULT_DEAD_RATIO,
          DEFAULT_MIN_DEAD_BYTES,
          DEFAULT_CHECK_INTERVAL_MILLIS,
          DEFAULT_RAW_RATIO);

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
    if (!(rawRatio > 0 && rawRatio <= 1)) {
      throw new IllegalArgumentException("rawRatio: must be in (0, 1] (was " + rawRatio + ")");
    }
  }

  /** With the default {@link #rawRatio}. */
  public CompactionPolicy(
      boolean enabled, double deadRatio, long minDeadBytes, long checkIntervalMillis) {
    this(enabled, deadRatio, minDeadBytes, checkIntervalMillis, DEFAULT_RAW_RATIO);
  }

  /** Whether a segment of {@code size} bytes of which {@code live} are live should be rewritten. */
  public boolean shouldCompact(long size, long live) {
    long dead = size - live;
    return size > 0 && dead >= minDeadBytes && dead >= deadRatio * size;
  }

  /**
   * Whether a segment of {@code size} bytes holding {@code pendingRaw} live value bytes as given
   * (that compaction should deflate) should be rewritten to deflate them.
   */
  public boolean shouldDeflate(long size, long pendingRaw) {
    return size > 0 && pendingRaw > 0 && pendingRaw >= rawRatio * size;
  }

  /**
   * The closed segments this policy picks, in id order: every one with enough dead bytes, and the
   * oldest {@link #RAW_SEGMENTS_PER_RUN} of the others with enough raw bytes.
   */
  List<Segment> pick(Collection<Segment> closed) {
    return pick(closed, RAW_SEGMENTS_PER_RUN);
  }

  /** As {@link #pick(Collection)}, with at most {@code rawLimit} picked for raw bytes alone. */
  List<Segment> pick(Collection<Segment> closed, int rawLimit) {
    List<Segment> picked = new ArrayList<>();
    int raw = 0;
    for (Segment s : closed) {
      if (shouldCompact(s.size(), s.liveBytes())) {
        picked.add(s);
      } else if (raw < rawLimit && shouldDeflate(s.size(), s.pendingRawBytes())) {
        picked.add(s);
        raw++;
      }
    }
    return picked;
  }

  /** Whether a closed segment waits to be deflated; the compactor then comes back soon. */
  boolean anyToDeflate(Collection<Segment> closed) {
    for (Segment s : closed) {
      if (shouldDeflate(s.size(), s.pendingRawBytes())) return true;
    }
    return false;
  }
}
