package io.pxkv.node.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.cluster.IndexSpec.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked scan against a brute force over the same vectors: the same keys in the same order
 * with the very same scores as {@link VectorIndex#score}, over several blocks, with freed slots,
 * prefixes, every metric and dimensions that are and are not a multiple of the scan's group; and
 * {@link VectorIndex#score} against the plain formula in double precision.
 */
class VectorIndexTest {
  @Test
  void theScanFindsWhatABruteForceFinds() {
    for (int dims : new int[] {1, 3, 4, 7, 130}) {
      for (Metric metric : Metric.values()) {
        check(dims, metric, new Random(dims * 31L + metric.ordinal()));
      }
    }
  }

  /**
   * Vectors closer to each other than the 16-bit first pass of a cosine index can tell apart, at
   * the largest dimension allowed and at extreme values: its error bound, not luck, keeps the
   * answer exact (with the bound set to zero these fail).
   */
  @Test
  void nearTiesAndExtremesStayExact() {
    for (int dims : new int[] {2, 5, 128, IndexSpec.MAX_DIMS}) {
      Random random = new Random(dims);
      VectorIndex index = new VectorIndex(dims, Metric.COSINE);
      Map<String, float[]> live = new HashMap<>();
      float[] base = vector(random, dims);
      int n = dims == IndexSpec.MAX_DIMS ? 1500 : 3000;
      for (int i = 0; i < n; i++) {
        float[] v = base.clone();
        if (i % 10 == 0) {
          v = new float[dims]; // one-hot and zero vectors: the largest and smallest rounded values
          if (i % 20 == 0) v[random.nextInt(dims)] = i % 40 == 0 ? 1e30f : -1e-30f;
        } else {
          for (int d = 0; d < dims; d++) v[d] += (float) (random.nextGaussian() * 1e-5);
        }
        index.apply("k" + i, v, i + 1);
        live.put("k" + i, v);
      }
      for (int round = 0; round < 5; round++) {
        float[] q = base.clone();
        for (int d = 0; d < dims; d++) q[d] += (float) (random.nextGaussian() * 1e-4);
        int k = 1 + random.nextInt(20);
        List<Float> expected = new ArrayList<>();
        for (float[] v : live.values()) expected.add(index.score(q, v));
        expected.sort(Comparator.reverseOrder());
        assertEquals(
            expected.subList(0, k),
            index.nearest(q, k, "").stream().map(VectorIndex.Scored::score).toList(),
            "dims " + dims + " k " + k);
      }
    }
  }

  private static void check(int dims, Metric metric, Random random) {
    VectorIndex index = new VectorIndex(dims, metric);
    Map<String, float[]> live = new HashMap<>();
    int n = 2 * VectorIndex.BLOCK + 300;
    long version = 1;
    for (int i = 0; i < n; i++) {
      String key = (i % 3 == 0 ? "a/" : "b/") + i;
      float[] v = vector(random, dims);
      index.apply(key, v, version++);
      live.put(key, v);
    }
    for (int i = 0; i < n; i += 7) { // freed slots, some reused
      String key = (i % 3 == 0 ? "a/" : "b/") + i;
      index.apply(key, null, version++);
      live.remove(key);
    }
    for (int i = 0; i < 50; i++) {
      String key = "c/" + i;
      float[] v = vector(random, dims);
      index.apply(key, v, version++);
      live.put(key, v);
    }
    for (int round = 0; round < 20; round++) {
      float[] q = vector(random, dims);
      int k = 1 + random.nextInt(30);
      String prefix = round % 4 == 0 ? "a/" : "";
      List<VectorIndex.Scored> got = index.nearest(q, k, prefix);
      List<VectorIndex.Scored> all = new ArrayList<>();
      for (Map.Entry<String, float[]> e : live.entrySet()) {
        if (!e.getKey().startsWith(prefix)) continue;
        float s = index.score(q, e.getValue());
        all.add(new VectorIndex.Scored(e.getKey(), s, 0));
        assertEquals(plain(metric, q, e.getValue()), s, 1e-4 * (1 + Math.abs(s)), "score formula");
      }
      Comparator<VectorIndex.Scored> nearest =
          metric.higherIsNearer()
              ? Comparator.comparingDouble(VectorIndex.Scored::score).reversed()
              : Comparator.comparingDouble(VectorIndex.Scored::score);
      all.sort(nearest);
      List<Float> expected =
          all.subList(0, Math.min(k, all.size())).stream().map(VectorIndex.Scored::score).toList();
      assertEquals(
          expected,
          got.stream().map(VectorIndex.Scored::score).toList(),
          "dims " + dims + " " + metric + " k " + k + " prefix '" + prefix + "'");
      for (VectorIndex.Scored s : got) {
        assertEquals(index.score(q, live.get(s.key())), s.score(), s.key());
      }
    }
  }

  private static float[] vector(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) v[i] = (float) random.nextGaussian();
    return v;
  }

  /** The metric's formula in double precision, on the query and vector as given. */
  private static double plain(Metric metric, float[] q, float[] v) {
    double dot = 0, qq = 0, vv = 0, l2 = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * v[i];
      qq += (double) q[i] * q[i];
      vv += (double) v[i] * v[i];
      l2 += ((double) q[i] - v[i]) * ((double) q[i] - v[i]);
    }
    return switch (metric) {
      case COSINE -> dot / Math.sqrt(qq * vv);
      case DOT -> dot;
      case L2 -> Math.sqrt(l2);
    };
  }
}
