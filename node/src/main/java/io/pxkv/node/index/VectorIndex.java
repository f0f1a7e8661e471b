package io.pxkv.node.index;

import io.pxkv.common.cluster.IndexSpec.Metric;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A vector index of this node's keys for exact nearest-neighbour search: every vector compared with
 * the query, so the search has recall 1.0. Vectors sit in blocks of {@link #BLOCK}: within a block,
 * dimension by dimension, the {@link #BLOCK} vectors' values side by side in one array. The scan
 * then adds {@link #GROUP} dimensions' products into {@link #BLOCK} running sums at once, a loop
 * the JIT turns into SIMD instructions, and walks memory in order. Each sum adds its terms in the
 * same order as {@link #score} does (groups of {@link #GROUP} dimensions, then the rest one by
 * one), so both give the very same floats. Cosine vectors are stored normalised, so their score is
 * a dot product. Freed slots are reused.
 *
 * <p>A read-write lock: searches share it, writes take it alone. As in {@link OrderedIndex}, every
 * key remembers the version its vector came from (and, until the build is done, the version of its
 * deletion), and every hit is re-checked against the live record by the caller.
 */
final class VectorIndex {
  /**
   * Vectors per block: a long run of side-by-side values keeps the scan in its vectorised inner
   * loop (at 256 a scan of 33,000 x 128 took about 4x as long), a short enough one for the running
   * sums (4 KiB) to stay in the L1 cache.
   */
  static final int BLOCK = 1024;

  /**
   * Dimensions the scan's inner loop adds per pass over the running sums: each pass loads and
   * stores every sum once, so four dimensions a pass move a quarter of the bytes through the cache
   * (eight ran slower again: too many arrays for the registers).
   */
  static final int GROUP = 4;

  /**
   * One hit: {@code score} as the metric reports it (similarity, or distance for l2), computed from
   * the vector of the key's write {@code version}.
   */
  record Scored(String key, float score, long version) {}

  private final int dims;
  private final Metric metric;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /**
   * The vectors, one array per block and dimension: {@code columns[block * dims + i][b]} is
   * dimension {@code i} of the vector in slot {@code block * BLOCK + b}. The scan's inner loop then
   * walks two arrays from index 0 in step, which C2 vectorises; with one flat array at an offset it
   * could not prove the two aligned and ran the loop scalar, about three times slower.
   */
  private float[][] columns;

  private String[] keys;
  private int used;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final Map<String, Long> versionOf = new HashMap<>();
  private boolean keepGone = true;

  VectorIndex(int dims, Metric metric) {
    this.dims = dims;
    this.metric = metric;
    this.columns = new float[dims][BLOCK];
    this.keys = new String[BLOCK];
  }

  /** Indexes write {@code version} of {@code key}: {@code vector} null to unindex it. */
  void apply(String key, float[] vector, long version) {
    lock.writeLock().lock();
    try {
      Long held = versionOf.get(key);
      if (held != null && held > version) return;
      Integer slot = slotOf.get(key);
      if (vector == null) {
        if (slot != null) {
          keys[slot] = null;
          slotOf.remove(key);
          free.add(slot);
        }
        if (keepGone) versionOf.put(key, version);
        else versionOf.remove(key);
        return;
      }
      if (slot == null) {
        slot = free.isEmpty() ? grow() : free.poll();
        slotOf.put(key, slot);
        keys[slot] = key;
      }
      float[] v = metric == Metric.COSINE ? normalised(vector) : vector;
      int base = (slot / BLOCK) * dims;
      int b = slot % BLOCK;
      for (int i = 0; i < dims; i++) columns[base + i][b] = v[i];
      versionOf.put(key, version);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private int grow() {
    if (used == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
      int had = columns.length;
      columns = Arrays.copyOf(columns, keys.length / BLOCK * dims);
      for (int c = had; c < columns.length; c++) columns[c] = new float[BLOCK];
    }
    return used++;
  }

  void built() {
    lock.writeLock().lock();
    try {
      keepGone = false;
      versionOf.keySet().retainAll(slotOf.keySet());
    } finally {
      lock.writeLock().unlock();
    }
  }

  int size() {
    lock.readLock().lock();
    try {
      return slotOf.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The {@code k} vectors nearest {@code query} among keys starting with {@code prefix}. */
  List<Scored> nearest(float[] query, int k, String prefix) {
    float[] q = metric == Metric.COSINE ? normalised(query) : query;
    boolean l2 = metric == Metric.L2;
    // The worst of the best k on top: higher is better (l2 compares minus squared distance).
    PriorityQueue<Scored> best =
        new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
    float[] sums = new float[BLOCK];
    boolean full = false;
    float worst = 0;
    List<Scored> out = new ArrayList<>(k);
    lock.readLock().lock();
    try {
      float[][] cols = columns;
      int blocks = (used + BLOCK - 1) / BLOCK;
      for (int block = 0; block < blocks; block++) {
        if (l2) squaredDistances(q, cols, block * dims, sums);
        else dotProducts(q, cols, block * dims, sums);
        // Most vectors score below the worst of the best k so far: one comparison rejects them.
        int inBlock = Math.min(BLOCK, used - block * BLOCK);
        for (int b = 0; b < inBlock; b++) {
          float s = l2 ? -sums[b] : sums[b];
          if (full && !(s > worst)) continue;
          String key = keys[block * BLOCK + b];
          if (key == null || (!prefix.isEmpty() && !key.startsWith(prefix))) continue;
          if (full) best.poll();
          best.add(new Scored(key, s, 0));
          full = best.size() == k;
          if (full) worst = best.peek().score();
        }
      }
      for (Scored s : best) {
        float score = l2 ? (float) Math.sqrt(-s.score()) : s.score();
        Long version = versionOf.get(s.key());
        out.add(new Scored(s.key(), score, version == null ? -1 : version));
      }
    } finally {
      lock.readLock().unlock();
    }
    out.sort(
        l2
            ? (a, b) -> Float.compare(a.score(), b.score())
            : (a, b) -> Float.compare(b.score(), a.score()));
    return out;
  }

  /**
   * {@code sums[b]} = the dot product of {@code q} and the vector in slot {@code b} of the block
   * whose columns start at {@code cols[base]}; terms added as {@link #score} adds them.
   */
  private void dotProducts(float[] q, float[][] cols, int base, float[] sums) {
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
  private void squaredDistances(float[] q, float[][] cols, int base, float[] sums) {
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

  /** The score of {@code vector} against {@code query}, as {@link #nearest} reports it. */
  float score(float[] query, float[] vector) {
    float[] q = metric == Metric.COSINE ? normalised(query) : query;
    float[] v = metric == Metric.COSINE ? normalised(vector) : vector;
    boolean l2 = metric == Metric.L2;
    float sum = 0;
    int i = 0;
    // The scan's order of additions exactly: groups of GROUP terms, then the rest one by one.
    for (; i + GROUP <= dims; i += GROUP) {
      if (l2) {
        float d0 = q[i] - v[i], d1 = q[i + 1] - v[i + 1];
        float d2 = q[i + 2] - v[i + 2], d3 = q[i + 3] - v[i + 3];
        sum += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
      } else {
        sum += q[i] * v[i] + q[i + 1] * v[i + 1] + q[i + 2] * v[i + 2] + q[i + 3] * v[i + 3];
      }
    }
    for (; i < dims; i++) {
      float d = q[i] - v[i];
      sum += l2 ? d * d : q[i] * v[i];
    }
    return l2 ? (float) Math.sqrt(sum) : sum;
  }

  /** {@code v} scaled to length 1 (a zero vector stays zero: it is near nothing). */
  static float[] normalised(float[] v) {
    double sum = 0;
    for (float f : v) sum += (double) f * f;
    if (sum == 0) return v.clone();
    float inv = (float) (1 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
    return out;
  }
}
