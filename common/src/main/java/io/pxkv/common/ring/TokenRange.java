package io.pxkv.common.ring;

/**
 * An arc of the ring: the positions after {@code startExclusive} up to and including {@code
 * endInclusive}, walking clockwise in unsigned order and wrapping past the top. When both ends are
 * equal the arc is the whole ring (a ring with a single token owns everything).
 *
 * <p>Immutable; a value type that a rebalancer can send over the wire as two numbers.
 */
public record TokenRange(long startExclusive, long endInclusive) {

  /** Whether {@code position} lies on this arc. */
  public boolean contains(long position) {
    if (startExclusive == endInclusive) {
      return true;
    }
    long width = endInclusive - startExclusive;
    long offset = position - startExclusive;
    // Both differences wrap modulo 2^64, so one unsigned comparison handles the wrap-around arc.
    return offset != 0 && Long.compareUnsigned(offset, width) <= 0;
  }

  /** The fraction of the whole ring this arc covers, in (0, 1]. */
  public double share() {
    if (startExclusive == endInclusive) {
      return 1.0;
    }
    return unsignedToDouble(endInclusive - startExclusive) / 0x1p64;
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }

  @Override
  public String toString() {
    return "("
        + Long.toUnsignedString(startExclusive)
        + ", "
        + Long.toUnsignedString(endInclusive)
        + "]";
  }
}
