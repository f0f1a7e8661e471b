package io.pxkv.node.index;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/**
 * The vectors of a cosine index, searched exactly while reading about half the memory of a float
 * scan. Each normalised vector is kept twice: as floats, one row per vector, to score exactly; and
 * rounded to 16-bit integers ({@code round(value * SCALE)}) for a first pass over every vector. The
 * first pass takes integer dot products with the query rounded the same way, a loop the JIT turns
 * into SIMD multiply-adds of 16-bit pairs (x86 {@code pmaddwd}), and knows each vector's score to
 * within a bound (below). Only a vector whose upper bound reaches the k-th best lower bound can be
 * among the nearest k; those few are scored from their floats exactly as {@link VectorIndex#score}
 * does. So the answer is a float scan's: the same vectors, the same scores, bit for bit.
 *
 * <p>Why: every query reads every vector, and with a cluster's nodes on one machine the float scan
 * is bound by memory bandwidth (100,000 x 128 floats are 51 MB, more than a 32 MB L3 cache). In 16
 * bits they take 26 MB, and three concurrent 33,000-vector scans took 0.36 ms of CPU each instead
 * of 0.71 ms.
 *
 * <p>The bound, in integer units (a score times {@code SCALE^2}). With {@code v} and {@code q}
 * normalised, {@code V = round(v SCALE)} and {@code Q = round(q SCALE)} are off by at most half a
 * unit per value, so {@code |v.q SCALE^2 - V.Q| <= (|V|_1 + |Q|_1) / 2 + dims / 4}. The float score
 * differs from the exact {@code v.q} by at most {@code dims 2^-24} (|v||q| <= 1), taken four times
 * over: {@code 64 dims} units. No sum overflows: by Cauchy-Schwarz every partial sum is at most
 * {@code |V||Q| <= (SCALE + sqrt(dims) / 2)^2 < 2^31} for dims up to 4096.
 */
final class QuantizedVectors implements VectorScan {
  /** 2^14: a normalised value in [-1, 1] becomes an integer in [-16384, 16384]. */
  static final float SCALE = 16384f;

  private static final int BLOCK = VectorIndex.BLOCK;

  /** Spread buffers kept for reuse: as many as searches commonly run at once on a node. */
  private static final int MAX_SPARES = 4;

  private final int dims;
  private final ArrayDeque<short[][]> spares = new ArrayDeque<>();

  /** Dimensions taken two at a time; an odd last one is paired with a zero. */
  private final int pairs;

  /**
   * {@code rounded[block * pairs + p][2b]} and {@code [2b + 1]}: dimensions {@code 2p} and {@code
   * 2p + 1} of the vector in slot {@code block * BLOCK + b}, as integers.
   */
  private short[][] rounded = new short[0][];

  /** {@code rows[block][b * dims + i]}: dimension {@code i} of slot {@code block * BLOCK + b}. */
  private float[][] rows = new float[0][];

  /** Each slot's share of its error bound: {@code |V|_1 / 2}, rounded up, plus {@code 65 dims}. */
  private int[] slack = new int[0];

  QuantizedVectors(int dims) {
    this.dims = dims;
    this.pairs = (dims + 1) / 2;
  }

  @Override
  public void grow(int slots) {
    int blocks = slots / BLOCK;
    int had = rows.length;
    rows = Arrays.copyOf(rows, blocks);
    rounded = Arrays.copyOf(rounded, blocks * pairs);
    for (int block = had; block < blocks; block++) {
      rows[block] = new float[BLOCK * dims];
      for (int p = 0; p < pairs; p++) rounded[block * pairs + p] = new short[2 * BLOCK];
    }
    slack = Arrays.copyOf(slack, slots);
  }

  @Override
  public void set(int slot, float[] vector) {
    int block = slot / BLOCK;
    int b = slot % BLOCK;
    System.arraycopy(vector, 0, rows[block], b * dims, dims);
    long l1 = 0;
    for (int i = 0; i < dims; i++) {
      int v = Math.round(vector[i] * SCALE);
      rounded[block * pairs + i / 2][2 * b + i % 2] = (short) v;
      l1 += Math.abs(v);
    }
    slack[slot] = (int) ((l1 + 1) / 2) + 65 * dims;
  }

  @Override
  public List<SlotScore> best(float[] query, int k, int used, IntPredicate admits) {
    // The query's rounded pairs repeated once per vector of a block: the shape of the loop the JIT
    // vectorises (both operands read at 2b and 2b + 1).
    short[][] spread = takeSpread();
    long l1 = 0;
    for (int i = 0; i < dims; i++) {
      int q = Math.round(query[i] * SCALE);
      l1 += Math.abs(q);
      spread[i / 2][i % 2] = (short) q;
    }
    for (short[] s : spread) {
      for (int n = 2; n < s.length; n *= 2) System.arraycopy(s, 0, s, n, n);
    }
    int querySlack = (int) ((l1 + 1) / 2);
    // Lower bounds of the best k so far, the lowest on top: a vector whose upper bound is below
    // the lowest of them cannot be among the nearest k.
    PriorityQueue<Integer> lows = new PriorityQueue<>(k + 1);
    int floor = Integer.MIN_VALUE;
    // Candidates as pairs of ints: slot, upper bound.
    int[] candidates = new int[4 * k + 64];
    int count = 0;
    int[] sums = new int[BLOCK];
    int blocks = (used + BLOCK - 1) / BLOCK;
    for (int block = 0; block < blocks; block++) {
      int first = block * BLOCK;
      // Each sum starts at its vector's share of the bound, so it ends at its upper bound less
      // the query's share.
      System.arraycopy(slack, first, sums, 0, BLOCK);
      for (int p = 0; p < pairs; p++) multiplyAdd(sums, rounded[block * pairs + p], spread[p]);
      int inBlock = Math.min(BLOCK, used - first);
      int skipBelow = floor == Integer.MIN_VALUE ? floor : floor - querySlack;
      for (int b = 0; b < inBlock; b++) {
        if (sums[b] < skipBelow) continue;
        int bound = slack[first + b] + querySlack;
        int high = sums[b] + querySlack;
        if (!admits.test(first + b)) continue;
        if (2 * count + 2 > candidates.length) {
          candidates = Arrays.copyOf(candidates, 2 * candidates.length);
        }
        candidates[2 * count] = first + b;
        candidates[2 * count + 1] = high;
        count++;
        lows.add(high - 2 * bound);
        if (lows.size() > k) lows.poll();
        if (lows.size() == k) {
          floor = lows.peek();
          skipBelow = floor - querySlack;
        }
      }
    }
    List<SlotScore> scored = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      if (candidates[2 * c + 1] < floor) continue;
      int slot = candidates[2 * c];
      scored.add(
          new SlotScore(slot, VectorIndex.dot(query, rows[slot / BLOCK], (slot % BLOCK) * dims)));
    }
    giveBack(spread);
    scored.sort(
        (a, b) ->
            a.score() != b.score()
                ? Float.compare(b.score(), a.score())
                : Integer.compare(a.slot(), b.slot()));
    return scored.subList(0, Math.min(k, scored.size()));
  }

  /**
   * A buffer for a query's spread pairs: 256 KiB at 128 dimensions, which took a query longer to
   * allocate and zero (about 0.1 ms) than to fill, so searches reuse a few.
   */
  private short[][] takeSpread() {
    synchronized (spares) {
      short[][] spare = spares.poll();
      if (spare != null) return spare;
    }
    return new short[pairs][2 * BLOCK];
  }

  private void giveBack(short[][] spread) {
    synchronized (spares) {
      if (spares.size() < MAX_SPARES) spares.push(spread);
    }
  }

  /**
   * {@code sums[b] += v[2b] w[2b] + v[2b+1] w[2b+1]}: C2 compiles this shape to SIMD multiply-adds
   * of 16-bit pairs into 32-bit sums; keep it a method of its own, as is.
   */
  private static void multiplyAdd(int[] sums, short[] v, short[] w) {
    for (int b = 0; b < BLOCK; b++) {
      sums[b] += v[2 * b] * w[2 * b] + v[2 * b + 1] * w[2 * b + 1];
    }
  }
}
