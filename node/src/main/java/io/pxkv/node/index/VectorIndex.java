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
 * A vector index of this node's keys for exact nearest-neighbour search: every vector in one
 * contiguous {@code float[]} (slot {@code i} at {@code i * dims}), scanned whole per query, so the
 * search has recall 1.0 and walks memory in order. Cosine vectors are stored normalised, so their
 * score is a dot product. Freed slots are reused.
 *
 * <p>A read-write lock: searches share it, writes take it alone. As in {@link OrderedIndex}, every
 * key remembers the version its vector came from (and, until the build is done, the version of its
 * deletion), and every hit is re-checked against the live record by the caller.
 */
final class VectorIndex {
  /** One hit: {@code score} as the metric reports it (similarity, or distance for l2). */
  record Scored(String key, float score) {}

  private final int dims;
  private final Metric metric;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private float[] data;
  private String[] keys;
  private int used;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final Map<String, Long> versionOf = new HashMap<>();
  private boolean keepGone = true;

  VectorIndex(int dims, Metric metric) {
    this.dims = dims;
    this.metric = metric;
    this.data = new float[dims * 64];
    this.keys = new String[64];
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
      System.arraycopy(v, 0, data, slot * dims, dims);
      versionOf.put(key, version);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private int grow() {
    if (used == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
      data = Arrays.copyOf(data, keys.length * dims);
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
    boolean higher = metric.higherIsNearer();
    // The worst of the best k on top: higher scores are better (l2 compares minus squared
    // distance).
    PriorityQueue<Scored> best =
        new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
    lock.readLock().lock();
    try {
      float[] d = data;
      for (int slot = 0; slot < used; slot++) {
        String key = keys[slot];
        if (key == null || (!prefix.isEmpty() && !key.startsWith(prefix))) continue;
        float s =
            metric == Metric.L2 ? -squaredDistance(q, d, slot * dims) : dot(q, d, slot * dims);
        if (best.size() < k) {
          best.add(new Scored(key, s));
        } else if (s > best.peek().score()) {
          best.poll();
          best.add(new Scored(key, s));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    List<Scored> out = new ArrayList<>(best);
    out.sort((a, b) -> Float.compare(b.score(), a.score()));
    if (!higher) {
      out.replaceAll(s -> new Scored(s.key(), (float) Math.sqrt(-s.score())));
    }
    return out;
  }

  /** The score of one stored-form vector against a query, as {@link #nearest} reports it. */
  float score(float[] query, float[] vector) {
    float[] q = metric == Metric.COSINE ? normalised(query) : query;
    float[] v = metric == Metric.COSINE ? normalised(vector) : vector;
    return metric == Metric.L2 ? (float) Math.sqrt(squaredDistance(q, v, 0)) : dot(q, v, 0);
  }

  /** Four accumulators: independent chains the CPU can run side by side. */
  private float dot(float[] q, float[] d, int at) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dims; i += 4) {
      s0 += q[i] * d[at + i];
      s1 += q[i + 1] * d[at + i + 1];
      s2 += q[i + 2] * d[at + i + 2];
      s3 += q[i + 3] * d[at + i + 3];
    }
    for (; i < dims; i++) s0 += q[i] * d[at + i];
    return (s0 + s1) + (s2 + s3);
  }

  private float squaredDistance(float[] q, float[] d, int at) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dims; i += 4) {
      float a = q[i] - d[at + i], b = q[i + 1] - d[at + i + 1];
      float c = q[i + 2] - d[at + i + 2], e = q[i + 3] - d[at + i + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += e * e;
    }
    for (; i < dims; i++) {
      float a = q[i] - d[at + i];
      s0 += a * a;
    }
    return (s0 + s1) + (s2 + s3);
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
