package io.pxkv.node.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;

/**
 * Vectors as floats in blocks of {@link VectorIndex#BLOCK}: within a block, dimension by dimension,
 * the block's values side by side in one array. The scan adds {@link VectorIndex#GROUP} dimensions'
 * products (or squared differences, for l2) into {@link VectorIndex#BLOCK} running sums at once, a
 * loop the JIT turns into SIMD instructions, and walks memory in order. Each sum adds its terms in
 * the same order as {@link VectorIndex#score} does, so both give the very same floats.
 */
final class FloatColumns implements VectorScan {
  private static final int BLOCK = VectorIndex.BLOCK;
  private static final int GROUP = VectorIndex.GROUP;

  private final int dims;
  private final boolean l2;

  /**
   * One array per block and dimension: {@code columns[block * dims + i][b]} is dimension {@code i}
   * of the vector in slot {@code block * BLOCK + b}. The scan's inner loop then walks two arrays
   * from index 0 in step, which C2 vectorises; with one flat array at an offset it could not prove
   * the two aligned and ran the loop scalar, about three times slower.
   */
  private float[][] columns = new float[0][];

  FloatColumns(int dims, boolean l2) {
    this.dims = dims;
    this.l2 = l2;
  }

  @Override
  public void grow(int slots) {
    int had = columns.length;
    columns = Arrays.copyOf(columns, slots / BLOCK * dims);
    for (int c = had; c < columns.length; c++) columns[c] = new float[BLOCK];
  }

  @Override
  public void set(int slot, float[] vector) {
    int base = (slot / BLOCK) * dims;
    int b = slot % BLOCK;
    for (int i = 0; i < dims; i++) columns[base + i][b] = vector[i];
  }

  @Override
  public List<SlotScore> best(float[] q, int k, int used, IntPredicate admits) {
    // The worst of the best k on top.
    PriorityQueue<SlotScore> best =
        new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
    float[] sums = new float[BLOCK];
    boolean full = false;
    float worst = 0;
    int blocks = (used + BLOCK - 1) / BLOCK;
    for (int block = 0; block < blocks; block++) {
      if (l2) squaredDistances(q, block * dims, sums);
      else dotProducts(q, block * dims, sums);
      // Most vectors score below the worst of the best k so far: one comparison rejects them.
      int inBlock = Math.min(BLOCK, used - block * BLOCK);
      for (int b = 0; b < inBlock; b++) {
        float s = l2 ? -sums[b] : sums[b];
        if (full && !(s > worst)) continue;
        int slot = block * BLOCK + b;
        if (!admits.test(slot)) continue;
        if (full) best.poll();
        best.add(new SlotScore(slot, s));
        full = best.size() == k;
        if (full) worst = best.peek().score();
      }
    }
    return new ArrayList<>(best);
  }

  /**
   * {@code sums[b]} = the dot product of {@code q} and the vector in slot {@code b} of the block
   * whose columns start at {@code columns[base]}; terms added as {@link VectorIndex#score} adds
   * them.
   */
  private void dotProducts(float[] q, int base, float[] sums) {
    float[][] cols = columns;
    Arrays.fill(sums, 0f);
    int i = 0;
    for (; i + GROUP <= dims; i += GROUP) {
      float q0 = q[i], q1 = q[i + 1], q2 = q[i + 2], q3 = q[i + 3];
      float[] c0 = cols[base + i], c1 = cols[base + i + 1];
      float[] c2 = cols[base + i + 2], c3 = cols[base + i + 3];
      for (int b = 0; b < BLOCK; b++) {
        sums[b] += q0 * c0[b] + q1 * c1[b] + q2 * c2[b] + q3 * c3[b];
      }
    }
    for (; i < dims; i++) {
      float qi = q[i];
      float[] col = cols[base + i];
      for (int b = 0; b < BLOCK; b++) sums[b] += qi * col[b];
    }
  }

  /** As {@link #dotProducts}, with squared l2 distances. */
  private void squaredDistances(float[] q, int base, float[] sums) {
    float[][] cols = columns;
    Arrays.fill(sums, 0f);
    int i = 0;
    for (; i + GROUP <= dims; i += GROUP) {
      float q0 = q[i], q1 = q[i + 1], q2 = q[i + 2], q3 = q[i + 3];
      float[] c0 = cols[base + i], c1 = cols[base + i + 1];
      float[] c2 = cols[base + i + 2], c3 = cols[base + i + 3];
      for (int b = 0; b < BLOCK; b++) {
        float d0 = q0 - c0[b], d1 = q1 - c1[b], d2 = q2 - c2[b], d3 = q3 - c3[b];
        sums[b] += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
      }
    }
    for (; i < dims; i++) {
      float qi = q[i];
      float[] col = cols[base + i];
      for (int b = 0; b < BLOCK; b++) {
        float d = qi - col[b];
        sums[b] += d * d;
      }
    }
  }
}
