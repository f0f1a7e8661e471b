package io.pxkv.node.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * When closed segments are worth rewriting, for one of two reasons:
 *
 * <ul>
 *   <li>a segment's dead bytes (records overwritten or deleted since) are at least {@code
 *       deadRatio} of its size and at least {@code minDeadBytes};
 *   <li>values wait to be deflated: values are written as given and deflated only when compacted,
 *       so a data set written once and never overwritten is deflated too. A segment whose live
 *       value bytes held as given ({@link Segment#pendingRawBytes}) are at least {@code rawRatio}
 *       of its size is a candidate, and the candidates are compacted once together they hold at
 *       least {@code rawRatio} of a full segment ({@code segmentBytes}): every compaction rolls the
 *       active segment over, and the small segment that leaves must not set off the next one on its
 *       own. The oldest candidates are taken, {@link #RAW_SEGMENTS_PER_RUN} segments' worth at
 *       most; {@link Compactor} paces the runs.
 * </ul>
 *
 * Checked every {@code checkIntervalMillis} and after each segment roll-over. Pure data: {@link
 * Compactor} acts on it.
 *
 * @param enabled false turns background compaction off ({@code compact()} still works)
 * @param deadRatio dead share of a segment that makes it a candidate, in (0, 1]
 * @param minDeadBytes dead bytes a segment must hold to be a candidate
 * @param checkIntervalMillis how often the policy is checked
 * @param rawRatio share of a segment in values waiting to be deflated that makes it a candidate,
 *     and share of a full segment the candidates must hold together, in (0, 1]
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
   * Segments' worth of input ({@code segmentBytes} each) one compaction for raw bytes takes at
   * most: one compaction stays a few segments' worth of deflate, and the writer gets its share of
   * the CPU between them.
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
   * The closed segments this policy picks, in id order: every one with enough dead bytes, and, when
   * {@code rawAllowed} and the others waiting to be deflated hold enough together ({@link
   * #enoughToDeflate}), the oldest of those, up to {@link #RAW_SEGMENTS_PER_RUN} segments' worth.
   * {@code idleActive}, the active segment when it has taken no write for a while (else null), is
   * one of those when it qualifies: the compaction rolls it over first.
   */
  List<Segment> pick(
      Collection<Segment> closed, Segment idleActive, long segmentBytes, boolean rawAllowed) {
    List<Segment> picked = new ArrayList<>();
    List<Segment> raw = new ArrayList<>();
    for (Segment s : closed) {
      if (shouldCompact(s.size(), s.liveBytes())) {
        picked.add(s);
      } else if (shouldDeflate(s.size(), s.pendingRawBytes())) {
        raw.add(s);
      }
    }
    if (idleActive != null && shouldDeflate(idleActive.size(), idleActive.pendingRawBytes())) {
      raw.add(idleActive);
    }
    if (rawAllowed && enoughToDeflate(raw, segmentBytes)) {
      long budget = RAW_SEGMENTS_PER_RUN * segmentBytes;
      long taken = 0;
      for (Segment s : raw) {
        if (taken > 0 && taken + s.size() > budget) break;
        picked.add(s);
        taken += s.size();
      }
      picked.sort(Comparator.comparingInt(Segment::id));
    }
    return picked;
  }

  /**
   * Whether {@code segments} waiting to be deflated hold enough of it together: at least {@code
   * rawRatio} of a full segment, counting those that qualify alone ({@link #shouldDeflate}).
   */
  boolean enoughToDeflate(Collection<Segment> segments, long segmentBytes) {
    long pending = 0;
    for (Segment s : segments) {
      if (shouldDeflate(s.size(), s.pendingRawBytes())) pending += s.pendingRawBytes();
    }
    return pending > 0 && pending >= rawRatio * segmentBytes;
  }
}
