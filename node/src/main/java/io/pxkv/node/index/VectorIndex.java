package io.pxkv.node.index;

import io.pxkv.common.cluster.IndexSpec.Metric;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A vector index of this node's keys for exact nearest-neighbour search: every vector compared with
 * the query, so the search has recall 1.0. The vectors live in a {@link VectorScan} by slot, in
 * blocks of {@link #BLOCK}: {@link QuantizedVectors} for cosine (vectors stored normalised, so
 * their score is a dot product), {@link FloatColumns} for dot and l2. Both report the very floats
 * {@link #score} computes. Freed slots are reused.
 *
 * <p>A read-write lock: searches share it, writes take it alone. As in {@link OrderedIndex}, every
 * key remembers the version its vector came from (and, until the build is done, the version of its
 * deletion), and every hit is re-checked against the live record by the caller.
 */
final class VectorIndex {
  /**
   * Vectors per block: a long run of side-by-side values keeps the scan in its vectorised inner
   * loop (at 256 a float scan of 33,000 x 128 took about 4x as long), a short enough one for the
   * running sums (4 KiB) to stay in the L1 cache.
   */
  static final int BLOCK = 1024;

  /**
   * Dimensions a float sum adds per step, in {@link #score} and the float scan alike: each pass of
   * the scan loads and stores every running sum once, so four dimensions a pass move a quarter of
   * the bytes through the cache (eight ran slower again: too many arrays for the registers).
   */
  static final int GROUP = 4;

  /**
   * One hit: {@code score} as the metric reports it (similarity, or distance for l2), computed from
   * the vector of the key's write {@code version}.
   */
  record Scored(String key, float score, long version) {}

  private final int dims;
  private final Metric metric;
  private final VectorScan vectors;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private String[] keys = new String[0];
  private int used;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final Map<String, Long> versionOf = new HashMap<>();
  private boolean keepGone = true;

  VectorIndex(int dims, Metric metric) {
    this.dims = dims;
    this.metric = metric;
    this.vectors =
        metric == Metric.COSINE
            ? new QuantizedVectors(dims)
            : new FloatColumns(dims, metric == Metric.L2);
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
      vectors.set(slot, metric == Metric.COSINE ? normalised(vector) : vector);
      versionOf.put(key, version);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private int grow() {
    if (used == keys.length) {
      keys = Arrays.copyOf(keys, Math.max(BLOCK, keys.length * 2));
      vectors.grow(keys.length);
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
    List<Scored> out = new ArrayList<>(k);
    lock.readLock().lock();
    try {
      String[] slots = keys;
      List<VectorScan.SlotScore> best =
          vectors.best(
              q,
              k,
              used,
              slot -> slots[slot] != null && (prefix.isEmpty() || slots[slot].startsWith(prefix)));
      for (VectorScan.SlotScore s : best) {
        String key = slots[s.slot()];
        float score = l2 ? (float) Math.sqrt(-s.score()) : s.score();
        Long version = versionOf.get(key);
        out.add(new Scored(key, score, version == null ? -1 : version));
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

  /** The score of {@code vector} against {@code query}, as {@link #nearest} reports it. */
  float score(float[] query, float[] vector) {
    float[] q = metric == Metric.COSINE ? normalised(query) : query;
    float[] v = metric == Metric.COSINE ? normalised(vector) : vector;
    if (metric != Metric.L2) return dot(q, v, 0);
    float sum = 0;
    int i = 0;
    // The float scan's order of additions exactly: groups of GROUP terms, then the rest one by one.
    for (; i + GROUP <= dims; i += GROUP) {
      float d0 = q[i] - v[i], d1 = q[i + 1] - v[i + 1];
      float d2 = q[i + 2] - v[i + 2], d3 = q[i + 3] - v[i + 3];
      sum += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
    }
    for (; i < dims; i++) {
      float d = q[i] - v[i];
      sum += d * d;
    }
    return (float) Math.sqrt(sum);
  }

  /**
   * The dot product of {@code q} and the {@code q.length} values of {@code v} from {@code offset},
   * added in the float scan's order: groups of {@link #GROUP} terms, then the rest one by one.
   */
  static float dot(float[] q, float[] v, int offset) {
    float sum = 0;
    int i = 0;
    for (; i + GROUP <= q.length; i += GROUP) {
      int o = offset + i;
      sum += q[i] * v[o] + q[i + 1] * v[o + 1] + q[i + 2] * v[o + 2] + q[i + 3] * v[o + 3];
    }
    for (; i < q.length; i++) sum += q[i] * v[offset + i];
    return sum;
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
