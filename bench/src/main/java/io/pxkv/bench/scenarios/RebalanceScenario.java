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
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Adding a node under load: router GET and PUT before and while a 4th node joins and the router
 * moves a quarter of the keys to it, then how long the move took. The move design is about to
 * change; the router's flags come from {@link RouterOptions} and the move is watched through {@link
 * RebalanceStatus}, so the new design changes those two places and this class's order of steps.
 */
public final class RebalanceScenario extends Scenario {
  public static final String NAME = "rebalance";
  static final Param<Integer> KEYS =
      Param.integer("keys", 200_000, 10_000, "keys loaded through the router before the move");
  static final Param<Integer> RATE =
      Param.integer(
          "rate",
          2500,
          1000,
          "the router's rebalance rate, keys/s: low enough that moving a quarter of the keys"
              + " outlasts both measured runs");
  static final Param<Integer> TIMEOUT =
      Param.integer("timeout", 300, 120, "seconds to wait for `done` after the measured runs");

  public RebalanceScenario() {
    super(NAME, "Adding a node under load");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, RATE, TIMEOUT);
  }

  /** The router's options: one place, for the description and the run alike. */
  private static RouterOptions routerOptions(RouterOptions base, int rate) {
    return base.withRebalanceRate(rate);
  }

  @Override
  public String describe(Settings s) {
    int keys = param(s, KEYS);
    RouterOptions shown = routerOptions(RouterOptions.of(Path.of("cluster.json")), param(s, RATE));
    return "A router ("
        + shown.describe()
        + ") in front of 3 nodes (configured like the cache-on node, plus `--instances "
        + s.clusterNodeInstances()
        + "`), "
        + keys
        + " keys (`bench-N`) imported through the router's `POST /admin/import`, and a 4th node"
        + " running but not in the cluster file. wrk GET and PUT (`"
        + s.load().flags()
        + "`, random key among the "
        + keys
        + ") against the router, warmed up, \"before\"; then the cluster file is rewritten with"
        + " node-4 (temp file + move), and once `GET /admin/rebalance` says `moving` the same GET and"
        + " PUT runs are made \"during\" (no warm-up: the servers are warm); then `/admin/rebalance`"
        + " is polled until `done` (and sampled every 0.5 s into `rebalance-progress.jsonl`). The"
        + " rate is lowered from the router's default 20000 so the move outlasts both measured runs;"
        + " the table says the phase at the start and end of each run, so a move that finished early"
        + " shows.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.ratio(
            "Router GET while adding a node / before",
            Ref.rps(NAME, "GET during move"),
            Ref.rps(NAME, "GET before"),
            null),
        Goal.ratio(
            "Router PUT while adding a node / before",
            Ref.rps(NAME, "PUT during move"),
            Ref.rps(NAME, "PUT before"),
            null));
  }

  @Override
  public void run(Bench bench) throws Exception {
    int keys = bench.param(KEYS);
    int rate = bench.param(RATE);
    Pxkv.Cluster cluster = bench.pxkv().cluster(NAME, 4, 3, o -> routerOptions(o, rate));
    Server router = cluster.router();
    String url = router.url();

    long t0 = System.nanoTime();
    List<String> lines = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      lines.add("{\"key\":\"bench-" + i + "\",\"value\":{\"n\":" + i + ",\"s\":\"bench-value\"}}");
    }
    bench.importLines(url, lines);
    bench.log("imported " + keys + " keys through the router in " + Bench.seconds(t0) + " s");
    List<Server> nodes = cluster.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      bench.extra("keys on node-" + (i + 1) + " before", keysOn(bench, nodes.get(i)));
    }
    Load load = bench.load().withKeys(keys);
    bench.measure("GET before", router.get(), load);
    bench.measure("PUT before", router.put(), load);

    ClusterFile.write(cluster.clusterFile(), nodes);
    Files.copy(cluster.clusterFile(), bench.results().resolve("rebalance-cluster-after.json"));
    long moveStart = System.nanoTime();
    bench.log("node-4 added to the cluster file");
    RebalanceStatus status = new RebalanceStatus(bench.http(), url);
    String phase = status.awaitStarted(nodes.size(), 30);
    bench.log("phase " + phase + " after " + (System.nanoTime() - moveStart) / 1_000_000 + " ms");

    try (RebalanceStatus.Sampler sampler =
        status.sample(bench.results().resolve("rebalance-progress.jsonl"), moveStart)) {
      for (String op : List.of("GET", "PUT")) {
        String before = status.phase();
        bench.measureRun(op + " during move", router.call(op), load);
        bench.extra("phase at start / end of the " + op + " run", before + " / " + status.phase());
      }
      phase = status.awaitDone(bench.param(TIMEOUT));
    }
    long moveMillis = (System.nanoTime() - moveStart) / 1_000_000;
    JsonObject last = bench.http().getJson(url + "/admin/rebalance");
    Files.writeString(bench.results().resolve("rebalance-final.json"), last.encodePrettily());
    if (!"done".equals(phase)) {
      throw new BenchException(
          "the rebalance was not done "
              + bench.param(TIMEOUT)
              + " s after the measured runs (phase "
              + phase
              + ")");
    }
    JsonObject progress = last.getJsonObject("progress", new JsonObject());
    Object moved = progress.getValue("keysMoved", "NA");
    bench.extra("keys moved (`progress.keysMoved`)", String.valueOf(moved));
    bench.extra(
        "move duration (file rewritten to `done`, polled every 0.2 s)",
        Bench.millisAsSeconds(moveMillis) + " s");
    String perSecond = "NA";
    if (moved instanceof Number n && moveMillis > 0) {
      double kps = n.doubleValue() / (moveMillis / 1000.0);
      perSecond = String.format(Locale.ROOT, "%.0f", kps);
      bench.metric("move_keys_per_second", kps, "keys/s");
    }
    bench.extra(
        "keys per second: moved / duration (`progress.keysPerSecond`)",
        perSecond + " (" + progress.getValue("keysPerSecond", "NA") + "), paced to " + rate);
    long total = 0;
    for (int i = 0; i < nodes.size(); i++) {
      String k = keysOn(bench, nodes.get(i));
      bench.extra("keys on node-" + (i + 1) + " after", k);
      total += Long.parseLong(k);
    }
    bench.extra("keys on all nodes after (expected " + keys + ")", Long.toString(total));
  }

  private static String keysOn(Bench bench, Server node) {
    return String.valueOf(bench.http().getJson(node.url() + "/admin/stats").getValue("keys"));
  }
}
