package io.pxkv.common.antientropy;

import java.util.Arrays;

/**
 * The buckets anti-entropy compares replicas by: every arc of the ring (the positions after token
 * {@code i-1} up to and including token {@code i}, the first arc wrapping past the top) is cut into
 * {@code 2^bits} equal sub-ranges of ring positions. A key's bucket follows from its ring position
 * (the hash placement uses) alone, so two nodes given the same tokens put every key in the same
 * bucket, and every bucket lies inside one arc, so all its keys have one replica set.
 *
 * <p>Buckets are numbered {@code arc * 2^bits + sub}. Immutable and thread-safe.
 */
public final class RingBuckets {
  /** Most sub-ranges per arc: 2^8. */
  public static final int MAX_BITS = 8;

  /** Most tokens a ring may have here (a cluster of 1,024 nodes with 256 tokens each). */
  public static final int MAX_TOKENS = 1 << 18;

  private final long[] tokens;
  private final int bits;

  /**
   * {@code tokens}: the ring's token positions in unsigned order, distinct; {@code bits}: 0..{@link
   * #MAX_BITS}.
   */
  public RingBuckets(long[] tokens, int bits) {
    if (tokens.length == 0 || tokens.length > MAX_TOKENS) {
      throw new IllegalArgumentException(
          "tokens: 1.." + MAX_TOKENS + " positions (was " + tokens.length + ")");
    }
    if (bits < 0 || bits > MAX_BITS) {
      throw new IllegalArgumentException("bits: 0.." + MAX_BITS + " (was " + bits + ")");
    }
    for (int i = 1; i < tokens.length; i++) {
      if (Long.compareUnsigned(tokens[i - 1], tokens[i]) >= 0) {
        throw new IllegalArgumentException("tokens must be distinct, in unsigned order");
      }
    }
    this.tokens = tokens.clone();
    this.bits = bits;
  }

  public int arcs() {
    return tokens.length;
  }

  public int bits() {
    return bits;
  }

  /** Sub-ranges per arc. */
  public int perArc() {
    return 1 << bits;
  }

  /** Buckets in all: arcs times sub-ranges. */
  public int count() {
    return tokens.length << bits;
  }

  /** The token positions; a copy. */
  public long[] tokens() {
    return tokens.clone();
  }

  /** The arc holding {@code position}: the first token at or after it, wrapping to 0. */
  public int arcOf(long position) {
    int lo = 0;
    int hi = tokens.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(tokens[mid], position) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo == tokens.length ? 0 : lo;
  }

  /** The bucket holding ring position {@code position}. */
  public int bucketOf(long position) {
    int arc = arcOf(position);
    long start = tokens[(arc + tokens.length - 1) % tokens.length];
    long end = tokens[arc];
    // Offsets and widths wrap modulo 2^64; a ring of one token is one arc of 2^64 positions.
    long offset = position - start - 1; // 0 .. width-1
    long step;
    if (start == end) {
      step = bits == 0 ? 0 : 1L << (64 - bits);
    } else {
      step = Long.divideUnsigned(end - start - 1, 1L << bits) + 1;
    }
    int sub = step == 0 ? 0 : (int) Long.divideUnsigned(offset, step);
    return (arc << bits) | sub;
  }

  /** The arc of bucket {@code bucket}. */
  public int arcOfBucket(int bucket) {
    return bucket >>> bits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RingBuckets b && b.bits == bits && Arrays.equals(b.tokens, tokens);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + bits;
  }
}
