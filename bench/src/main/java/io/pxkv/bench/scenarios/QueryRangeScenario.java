package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.KeepAliveClient;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** A numeric range query returning 100 pairs out of a million, through the router. */
public final class QueryRangeScenario extends Scenario {
  public static final String NAME = "query_range";
  static final Param<Integer> KEYS = Param.integer("keys", 1_000_000, 20_000, "keys loaded");
  static final Param<Integer> CALLS = Param.integer("calls", 2_000, 100, "measured queries");
  static final String P50 = "range_p50";

  public QueryRangeScenario() {
    super(NAME, "Range query through the router");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, CALLS);
  }

  @Override
  public String describe(Settings s) {
    return "A router and 3 nodes; "
        + param(s, KEYS)
        + " keys `r-N` with values `{\"n\":N,\"pad\":\"...\"}` (N a permutation of 0..keys-1, so"
        + " index order is not key order) imported through the router, then a number index on"
        + " `/n` added to the cluster file and back-filled. Then "
        + param(s, CALLS)
        + " `GET /query?index=n&min=X&max=X+99&limit=100` one at a time (X random, after 200"
        + " unmeasured ones), each returning 100 pairs merged from the 3 nodes; latency per call"
        + " as the client sees it, over one keep-alive HTTP/1.1 connection from a plain blocking"
        + " client.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.value(
            "Range query returning 100 of " + param(s, KEYS) + " pairs via router, p50 (ms)",
            Ref.metric(NAME, P50),
            Target.below(5, "ms")));
  }

  @Override
  public void run(Bench bench) {
    int keys = bench.param(KEYS);
    int calls = bench.param(CALLS);
    Pxkv.Cluster c = QueryCluster.start(bench, "range");
    int[] perm = new int[keys];
    for (int i = 0; i < keys; i++) perm[i] = i;
    Random shuffle = new Random(7);
    for (int i = keys - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    QueryCluster.load(
        bench,
        c,
        keys,
        i ->
            String.format(
                Locale.ROOT,
                "{\"key\":\"r-%d\",\"value\":{\"n\":%d,\"pad\":\"%s\"}}",
                i,
                perm[i],
                "x".repeat(20)));
    QueryCluster.addIndexes(
        bench,
        c,
        new JsonArray()
            .add(new JsonObject().put("name", "n").put("path", "/n").put("type", "number")));
    Random random = new Random(11);
    String base = "/query?index=n&limit=100";
    KeepAliveClient client = new KeepAliveClient(c.router().url(), Duration.ofSeconds(30));
    double[] ms =
        QueryCluster.latencies(
            200,
            calls,
            i -> {
              int x = random.nextInt(keys - 100);
              var a = client.call("GET", base + "&min=" + x + "&max=" + (x + 99), null, null);
              if (a != null
                  && a.ok()
                  && new JsonObject(a.body()).getJsonArray("items").size() != 100) {
                throw new io.pxkv.bench.harness.BenchException(
                    "a range of 100 numbers gave " + a.body().length() + " bytes, not 100 pairs");
              }
              return a;
            });
    client.close();
    bench.extra("`GET /query` returning 100 pairs, sequential", QueryCluster.describe(ms));
    bench.metric(P50, QueryCluster.percentile(ms, 0.5), "ms");
  }
}
