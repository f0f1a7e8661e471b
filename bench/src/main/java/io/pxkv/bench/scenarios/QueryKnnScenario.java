package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.KeepAliveClient;
import io.pxkv.bench.harness.ManagedProcess;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.PythonModule;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Exact k = 10 nearest neighbours over 100,000 vectors of 128 floats through the router, against a
 * NumPy brute-force search of the very same vectors on the same machine.
 */
public final class QueryKnnScenario extends Scenario {
  public static final String NAME = "query_knn";
  static final Param<Integer> VECTORS = Param.integer("vectors", 100_000, 5_000, "vectors loaded");
  static final Param<Integer> CALLS = Param.integer("calls", 500, 50, "measured queries");
  static final Param<Integer> WARM_UP =
      Param.integer(
          "warm_up",
          2000,
          50,
          "unmeasured queries first, on both sides (the JIT compiles the query path for seconds)");
  static final int DIMS = 128;
  static final int K = 10;
  static final String PXKV = "knn_p50";
  static final String NUMPY = "numpy_p50";

  public QueryKnnScenario() {
    super(NAME, "Nearest neighbours against NumPy");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(PxkvJar.INSTANCE, new PythonModule("numpy", "python3-numpy"));
  }

  @Override
  public List<Param<?>> params() {
    return List.of(VECTORS, CALLS, WARM_UP);
  }

  @Override
  public String describe(Settings s) {
    return param(s, VECTORS)
        + " random vectors of "
        + DIMS
        + " floats (4 decimals) as values `{\"v\":[...]}` of keys `v-N`, imported through a router"
        + " with 3 nodes, then a `vector` index (`dims "
        + DIMS
        + "`, cosine) added to the cluster file and back-filled. "
        + param(s, CALLS)
        + " `POST /query/knn` with k = "
        + K
        + " and random query vectors, one at a time over one keep-alive HTTP/1.1 connection from"
        + " a plain blocking client, after "
        + param(s, WARM_UP)
        + " unmeasured ones (the measured queries in turn: a server measured cold would time"
        + " its JIT compiler), against"
        + " `bench/knn_numpy.py`: the same vectors and queries in NumPy (rows normalised once,"
        + " then per query a matrix-vector product and `argpartition`), timed per query inside"
        + " Python (so without any HTTP), after as many unmeasured queries. The first query's 10"
        + " keys must be NumPy's (recall 1.0).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.ratio(
            "k-NN, k = 10 over " + param(s, VECTORS) + " x " + DIMS + " via router vs NumPy, p50",
            Ref.metric(NAME, PXKV),
            Ref.metric(NAME, NUMPY),
            Target.ratioAtMost(1.5)));
  }

  @Override
  public void run(Bench bench) throws IOException {
    int n = bench.param(VECTORS);
    int calls = bench.param(CALLS);
    Random random = new Random(128);
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) vectors[i] = randomVector(random);
    float[][] queries = new float[calls][];
    for (int i = 0; i < calls; i++) queries[i] = randomVector(random);
    Path data = bench.temp().resolve("knn-data.f32");
    Path queryFile = bench.temp().resolve("knn-queries.f32");
    write(data, vectors);
    write(queryFile, queries);

    Pxkv.Cluster c = QueryCluster.start(bench, "knn");
    QueryCluster.load(
        bench,
        c,
        n,
        i -> "{\"key\":\"" + key(i) + "\",\"value\":{\"v\":" + json(vectors[i]) + "}}");
    QueryCluster.addIndexes(
        bench,
        c,
        new JsonArray()
            .add(
                new JsonObject()
                    .put("name", "emb")
                    .put("path", "/v")
                    .put("type", "vector")
                    .put("dims", DIMS)
                    .put("metric", "cosine")));

    KeepAliveClient client = new KeepAliveClient(c.router().url(), Duration.ofSeconds(30));
    List<String> firstKeys = new ArrayList<>();
    int warm = bench.param(WARM_UP);
    double[] ms =
        QueryCluster.latencies(
            warm,
            calls,
            i -> {
              float[] q = queries[(i < warm ? i : i - warm) % calls];
              String body = "{\"index\":\"emb\",\"k\":" + K + ",\"vector\":" + json(q) + "}";
              var a =
                  client.call(
                      "POST",
                      "/query/knn",
                      body.getBytes(StandardCharsets.UTF_8),
                      "application/json");
              if (i == warm && a != null && a.ok()) {
                JsonArray items = new JsonObject(a.body()).getJsonArray("items");
                for (int j = 0; j < items.size(); j++) {
                  firstKeys.add(items.getJsonObject(j).getString("key"));
                }
              }
              return a;
            });
    client.close();
    bench.extra("`POST /query/knn`, k = " + K + ", sequential", QueryCluster.describe(ms));
    bench.metric(PXKV, QueryCluster.percentile(ms, 0.5), "ms");

    JsonObject numpy = numpy(bench, data, queryFile, warm);
    bench.extra("NumPy brute force, per query inside Python", numpy.encode());
    bench.metric(NUMPY, numpy.getDouble("p50_ms"), "ms");
    List<String> expected = new ArrayList<>();
    for (Object row : numpy.getJsonArray("first")) expected.add(key(((Number) row).intValue()));
    if (!expected.equals(firstKeys)) {
      throw new BenchException(
          "the first query's nearest differ from NumPy's: " + firstKeys + " vs " + expected);
    }
    bench.extra(
        "the first query's 10 nearest keys, also NumPy's (recall 1.0)", firstKeys.toString());
  }

  private static JsonObject numpy(Bench bench, Path data, Path queries, int warm) {
    Path script = bench.settings().root().resolve("bench/knn_numpy.py");
    ManagedProcess p =
        bench.start(
            "knn-numpy",
            List.of(
                "python3",
                script.toString(),
                data.toString(),
                queries.toString(),
                Integer.toString(DIMS),
                Integer.toString(K),
                Integer.toString(warm)));
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (p.alive()) {
      if (System.nanoTime() > deadline) throw new BenchException("knn_numpy.py did not finish");
      Bench.pause(50);
    }
    String last = p.logText().strip();
    String line = last.substring(last.lastIndexOf('\n') + 1);
    try {
      return new JsonObject(line);
    } catch (RuntimeException e) {
      throw new BenchException("knn_numpy.py printed no result: " + last);
    }
  }

  static String key(int i) {
    return String.format(Locale.ROOT, "v-%06d", i);
  }

  /** Gaussian floats rounded to 4 decimals, so JSON and the binary file hold the same numbers. */
  private static float[] randomVector(Random random) {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = Float.parseFloat(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
    }
    return v;
  }

  private static String json(float[] v) {
    StringBuilder s = new StringBuilder(v.length * 8).append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) s.append(',');
      s.append(String.format(Locale.ROOT, "%.4f", v[i]));
    }
    return s.append(']').toString();
  }

  private static void write(Path file, float[][] rows) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(rows.length * DIMS * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) for (float f : r) b.putFloat(f);
    Files.write(file, b.array());
  }
}
