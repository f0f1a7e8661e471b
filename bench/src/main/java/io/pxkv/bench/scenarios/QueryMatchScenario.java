package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Resp;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A glob listing over a million keys returning 1% of them, through the router, against Redis {@code
 * SCAN MATCH} over the same keys: keys examined per second for one whole iteration.
 */
public final class QueryMatchScenario extends Scenario {
  public static final String NAME = "query_match";
  static final Param<Integer> KEYS = Param.integer("keys", 1_000_000, 20_000, "keys loaded");
  static final Param<Integer> TURNS = Param.integer("turns", 3, 1, "alternating turns per party");
  static final String GLOB = "m-*00";
  static final String PXKV = "match_keys_per_s";
  static final String REDIS = "redis_scan_keys_per_s";

  public QueryMatchScenario() {
    super(NAME, "Glob listing against Redis SCAN MATCH");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(PxkvJar.INSTANCE, Tool.REDIS);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, TURNS);
  }

  @Override
  public String describe(Settings s) {
    return "The same "
        + param(s, KEYS)
        + " keys `m-NNNNNNN` (values `{\"i\":N}`) in a router with 3 nodes (imported through"
        + " the router) and in redis-server (persistence off, pipelined `SET`s). One whole"
        + " iteration of the glob `"
        + GLOB
        + "` (1% of the keys): `GET /kv?match="
        + GLOB
        + "&limit=1000` following the cursors, against `SCAN cursor MATCH "
        + GLOB
        + " COUNT 1000` until the cursor is 0, over one connection each, in "
        + param(s, TURNS)
        + " alternating turns; the median turn of each. keys/s = keys in the store / time of"
        + " the iteration (both examine every key).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.ratio(
            "Glob listing "
                + GLOB
                + " over "
                + param(s, KEYS)
                + " keys vs Redis SCAN MATCH (keys/s)",
            Ref.metric(NAME, PXKV),
            Ref.metric(NAME, REDIS),
            Target.ratioAtLeast(1.0)));
  }

  @Override
  public void run(Bench bench) throws IOException {
    int keys = bench.param(KEYS);
    int turns = bench.param(TURNS);
    Server redis = bench.baselines().redis("match-redis");
    long t0 = System.nanoTime();
    try (Resp r = new Resp(redis.port())) {
      for (int from = 0; from < keys; from += 10_000) {
        int to = Math.min(keys, from + 10_000);
        for (int i = from; i < to; i++) r.send("SET", key(i), "{\"i\":" + i + "}");
        r.flush();
        for (int i = from; i < to; i++) r.read();
      }
    }
    bench.extra("keys loaded into redis (pipelined SET)", keys + " in " + Bench.seconds(t0) + " s");
    Pxkv.Cluster c = QueryCluster.start(bench, "match");
    QueryCluster.load(
        bench, c, keys, i -> "{\"key\":\"" + key(i) + "\",\"value\":{\"i\":" + i + "}}");
    int expected = (keys + 99) / 100;
    double[] ours = new double[turns];
    double[] theirs = new double[turns];
    for (int t = 0; t < turns; t++) {
      ours[t] = keys / pxkvIteration(bench, c.router().url(), expected);
      theirs[t] = keys / redisIteration(redis.port(), expected);
      bench.extra(
          "turn " + (t + 1),
          String.format(
              Locale.ROOT, "px-kvstore %.0f keys/s, redis %.0f keys/s", ours[t], theirs[t]));
    }
    Arrays.sort(ours);
    Arrays.sort(theirs);
    bench.metric(PXKV, ours[turns / 2], "keys/s");
    bench.metric(REDIS, theirs[turns / 2], "keys/s");
  }

  static String key(int i) {
    return String.format(Locale.ROOT, "m-%07d", i);
  }

  /** Seconds for one whole paged iteration through the router; checks what it listed. */
  private static double pxkvIteration(Bench bench, String url, int expected) {
    long t0 = System.nanoTime();
    int listed = 0;
    String cursor = null;
    do {
      String uri =
          url
              + "/kv?match="
              + URLEncoder.encode(GLOB, StandardCharsets.UTF_8)
              + "&limit=1000"
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      var a = bench.http().tryCall("GET", uri, null, null, Duration.ofSeconds(60));
      if (a == null || !a.ok())
        throw new BenchException("GET " + uri + ": " + (a == null ? "no answer" : a.body()));
      JsonObject page = new JsonObject(a.body());
      listed += page.getJsonArray("items").size();
      cursor = page.getString("cursor");
    } while (cursor != null);
    double s = (System.nanoTime() - t0) / 1e9;
    if (listed != expected)
      throw new BenchException("match listed " + listed + " keys, not " + expected);
    return s;
  }

  /** Seconds for one whole SCAN MATCH iteration; checks what it returned. */
  private static double redisIteration(int port, int expected) throws IOException {
    try (Resp r = new Resp(port)) {
      long t0 = System.nanoTime();
      String cursor = "0";
      List<String> found = new ArrayList<>();
      do {
        List<?> reply = (List<?>) r.call("SCAN", cursor, "MATCH", GLOB, "COUNT", "1000");
        cursor = (String) reply.get(0);
        for (Object k : (List<?>) reply.get(1)) found.add((String) k);
      } while (!cursor.equals("0"));
      double s = (System.nanoTime() - t0) / 1e9;
      if (found.size() != expected) {
        throw new BenchException("SCAN MATCH returned " + found.size() + " keys, not " + expected);
      }
      return s;
    }
  }
}
