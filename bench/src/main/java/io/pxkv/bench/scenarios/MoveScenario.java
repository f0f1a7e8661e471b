package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.ClusterFile;
import io.pxkv.bench.harness.Load;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.RouterOptions;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Run;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Moving keys between nodes, idle and under load, side by side in one run: a million keys of about
 * 100 bytes on 3 nodes; node-4 joins with no client load (how many keys per second move when
 * nothing else runs); then under wrk GET load node-4 leaves again, and router GET during that move
 * is measured against GET just before it (req/s and p99). The router's flags come from {@link
 * RouterOptions}, the move is watched through {@link RebalanceStatus}.
 */
public final class MoveScenario extends Scenario {
  public static final String NAME = "move";
  static final Param<Integer> KEYS =
      Param.integer("keys", 1_000_000, 50_000, "keys loaded through the router before the moves");
  static final Param<Integer> VALUE_BYTES =
      Param.integer("valueBytes", 100, 100, "bytes of each value (a JSON object)");
  static final Param<Integer> TIMEOUT =
      Param.integer("timeout", 600, 120, "seconds to wait for each move to be `done`");

  public MoveScenario() {
    super(NAME, "Moving keys, idle and under load");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, VALUE_BYTES, TIMEOUT);
  }

  @Override
  public String describe(Settings s) {
    int keys = param(s, KEYS);
    return "A router (default flags) in front of 3 nodes (configured like the cache-on node, plus"
        + " `--instances "
        + s.clusterNodeInstances()
        + "`) and a 4th node running but not in the cluster file; "
        + keys
        + " keys (`bench-N`) with values of about "
        + param(s, VALUE_BYTES)
        + " bytes imported through the router. First two moves that are not measured, so every JVM"
        + " has compiled the move's code as a cluster that has run a while would have: node-4 added"
        + " with no load, then taken out while wrk GET runs (its warm-up). **Idle**: node-4 is"
        + " added to the cluster file again with"
        + " no client load; the move's duration (file rewritten to `done`) gives the keys per"
        + " second moved. **Under load**: wrk GET (`"
        + s.load().flags()
        + "`, random key among all) against the router, warmed up, is measured \"before\"; then"
        + " node-4 is taken out of the file (its keys move back to the others) and the same GET run"
        + " is measured \"during\" the move at once (no warm-up: the servers are warm); then the move"
        + " is awaited. The table says the phase at the start and end of the run during the move.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.value(
            "Keys moved per second, idle cluster",
            Ref.metric(NAME, "idle_keys_per_second"),
            Target.atLeast(50_000, "keys/s")),
        Goal.ratio(
            "Router GET during a move / before",
            Ref.rps(NAME, "GET during move"),
            Ref.rps(NAME, "GET before"),
            Target.ratioAtLeast(0.7)),
        Goal.ratio(
            "Router GET p99 during a move / before",
            Ref.run(NAME, "GET during move", Ref.P99_MS),
            Ref.run(NAME, "GET before", Ref.P99_MS),
            Target.ratioAtMost(2.0)));
  }

  @Override
  public void run(Bench bench) throws Exception {
    int keys = bench.param(KEYS);
    int valueBytes = bench.param(VALUE_BYTES);
    int timeout = bench.param(TIMEOUT);
    Pxkv.Cluster cluster = bench.pxkv().cluster(NAME, 4, 3, o -> o);
    Server router = cluster.router();
    String url = router.url();
    List<Server> nodes = cluster.nodes();

    long t0 = System.nanoTime();
    importInParallel(bench, url, keys, valueBytes);
    bench.log("imported " + keys + " keys through the router in " + Bench.seconds(t0) + " s");
    bench.extra("keys imported, seconds", keys + " in " + Bench.seconds(t0) + " s");
    RebalanceStatus status = new RebalanceStatus(bench.http(), url);
    Load load = bench.load().withKeys(keys);

    // Warm-up, not measured: a move in each direction, the second under load, so that every JVM
    // has compiled the move's code paths (pushing, importing, reads of keys on the move) as a
    // cluster that has run for a while would have; a cold JVM's first move is slower.
    ClusterFile.write(cluster.clusterFile(), nodes);
    status.awaitStarted(4, 30);
    status.awaitDone(timeout);
    ClusterFile.write(cluster.clusterFile(), nodes.subList(0, 3));
    status.awaitStarted(3, 30);
    bench.warmUp("warm-up move under load", router.get(), load);
    if (!"done".equals(status.awaitDone(timeout))) {
      throw new BenchException("the warm-up moves were not done after " + timeout + " s");
    }
    bench.log("warm-up moves done");

    // Idle: node-4 joins.
    ClusterFile.write(cluster.clusterFile(), nodes);
    long idleStart = System.nanoTime();
    status.awaitStarted(4, 30);
    String phase;
    try (RebalanceStatus.Sampler sampler =
        status.sample(bench.results().resolve("move-idle-progress.jsonl"), idleStart)) {
      phase = status.awaitDone(timeout);
    }
    long idleMillis = (System.nanoTime() - idleStart) / 1_000_000;
    long idleMoved = keysMoved(bench, url);
    if (!"done".equals(phase)) {
      throw new BenchException("the idle move was not done after " + timeout + " s");
    }
    double idleRate = idleMoved / Math.max(0.001, idleMillis / 1000.0);
    bench.metric("idle_keys_per_second", idleRate, "keys/s");
    bench.extra(
        "idle: keys moved to node-4 / seconds (file rewritten to `done`)",
        idleMoved + " / " + Bench.millisAsSeconds(idleMillis) + " s");
    bench.extra("idle: keys per second", String.format(Locale.ROOT, "%.0f", idleRate));
    bench.extra("keys on node-4 after it joined", keysOn(bench, nodes.get(3)));

    // Under load: measure GET before, take node-4 out, measure GET during.
    Run before = bench.measure("GET before", router.get(), load);
    ClusterFile.write(cluster.clusterFile(), nodes.subList(0, 3));
    long loadStart = System.nanoTime();
    status.awaitStarted(3, 30);
    try (RebalanceStatus.Sampler sampler =
        status.sample(bench.results().resolve("move-load-progress.jsonl"), loadStart)) {
      String atStart = status.phase();
      long movedBefore = keysMoved(bench, url);
      long runStart = System.nanoTime();
      Run during = bench.measureRun("GET during move", router.get(), load);
      double runSeconds = (System.nanoTime() - runStart) / 1e9;
      long movedDuring = keysMoved(bench, url) - movedBefore;
      double loadRate = movedDuring / Math.max(0.001, runSeconds);
      bench.metric("load_keys_per_second", loadRate, "keys/s");
      bench.extra(
          "under load: keys moved while the GET run lasted / seconds",
          movedDuring + " / " + String.format(Locale.ROOT, "%.2f", runSeconds) + " s");
      bench.extra("under load: keys per second", String.format(Locale.ROOT, "%.0f", loadRate));
      bench.extra(
          "phase at start / end of the run during the move", atStart + " / " + status.phase());
      bench.log(
          "GET before "
              + before.rps()
              + " req/s, during "
              + during.rps()
              + " req/s; p99 "
              + before.p99Ms()
              + " / "
              + during.p99Ms()
              + " ms");
      phase = status.awaitDone(timeout);
    }
    long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
    long loadMoved = keysMoved(bench, url);
    if (!"done".equals(phase)) {
      throw new BenchException("the move under load was not done after " + timeout + " s");
    }
    bench.extra(
        "the whole move back (fast again once the GET run ended): keys / seconds",
        loadMoved + " / " + Bench.millisAsSeconds(loadMillis) + " s");
    long total = 0;
    for (int i = 0; i < nodes.size(); i++) {
      String k = keysOn(bench, nodes.get(i));
      bench.extra("keys on node-" + (i + 1) + " at the end", k);
      total += Long.parseLong(k);
    }
    if (total != keys) {
      throw new BenchException("the nodes hold " + total + " keys at the end, not " + keys);
    }
  }

  /**
   * Imports the keys through the router as 8 bodies at once, to load a million in reasonable time.
   */
  private static void importInParallel(Bench bench, String url, int keys, int valueBytes)
      throws Exception {
    int parts = 8;
    String pad = "x".repeat(Math.max(0, valueBytes - 30));
    ExecutorService pool = Executors.newFixedThreadPool(parts);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        int part = p;
        sent.add(
            pool.submit(
                () -> {
                  StringBuilder body = new StringBuilder();
                  int lines = 0;
                  for (int i = part; i < keys; i += parts) {
                    body.append("{\"key\":\"bench-")
                        .append(i)
                        .append("\",\"value\":{\"n\":")
                        .append(i)
                        .append(",\"s\":\"")
                        .append(pad)
                        .append("\"}}\n");
                    lines++;
                  }
                  JsonObject answer =
                      bench
                          .http()
                          .postJson(
                              url + "/admin/import",
                              body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                              "application/x-ndjson",
                              Duration.ofMinutes(20));
                  if (answer.getLong("imported", -1L) != lines) {
                    throw new BenchException("an import answered " + answer.encode());
                  }
                  return null;
                }));
      }
      for (Future<?> f : sent) f.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private static long keysMoved(Bench bench, String url) {
    JsonObject progress =
        bench.http().getJson(url + "/admin/rebalance").getJsonObject("progress", new JsonObject());
    return progress.getLong("keysMoved", 0L);
  }

  private static String keysOn(Bench bench, Server node) {
    return String.valueOf(bench.http().getJson(node.url() + "/admin/stats").getValue("keys"));
  }
}
