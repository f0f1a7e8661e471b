package io.pxkv.common.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arcs of the ring that change hands between two rings: a pure function, the input of a
 * rebalance plan (Voldemort's {@code RebalancePlan} computes the same from two cluster layouts).
 *
 * <p>Both rings' tokens are merged; between two consecutive merged tokens each ring has a single
 * owner, so comparing owners at each merged token gives every moved arc. Neighbouring arcs with the
 * same {@code from} and {@code to} are joined. Both rings must use the same hash function.
 */
public final class RingDiff {
  private RingDiff() {}

  /** One arc whose owner changes from {@code from} to {@code to}. */
  public record HandOff(TokenRange range, String from, String to) {}

  /** Every arc owned by a different node in {@code after} than in {@code before}, clockwise. */
  public static List<HandOff> between(ConsistentHashRing before, ConsistentHashRing after) {
    long[] a = before.tokens();
    long[] b = after.tokens();
    long[] merged = new long[a.length + b.length];
    System.arraycopy(a, 0, merged, 0, a.length);
    System.arraycopy(b, 0, merged, a.length, b.length);
    long[] points = distinctUnsigned(merged);
    List<HandOff> moves = new ArrayList<>();
    for (int i = 0; i < points.length; i++) {
      long end = points[i];
      long start = points[(i + points.length - 1) % points.length];
      String from = before.ownerOfPosition(end);
      String to = after.ownerOfPosition(end);
      if (from.equals(to)) {
        continue;
      }
      HandOff last = moves.isEmpty() ? null : moves.get(moves.size() - 1);
      if (last != null
          && last.range().endInclusive() == start
          && last.from().equals(from)
          && last.to().equals(to)) {
        moves.set(
            moves.size() - 1,
            new HandOff(new TokenRange(last.range().startExclusive(), end), from, to));
      } else {
        moves.add(new HandOff(new TokenRange(start, end), from, to));
      }
    }
    return List.copyOf(moves);
  }

  private static long[] distinctUnsigned(long[] values) {
    // Sorting with the sign bit flipped gives unsigned order with the primitive sort.
    long[] flipped = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      flipped[i] = values[i] ^ Long.MIN_VALUE;
    }
    Arrays.sort(flipped);
    long[] out = new long[flipped.length];
    int n = 0;
    for (long v : flipped) {
      long u = v ^ Long.MIN_VALUE;
      if (n == 0 || out[n - 1] != u) {
        out[n++] = u;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
