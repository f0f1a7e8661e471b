package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.ClusterFile;
import io.pxkv.bench.harness.Load;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvBuild;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What keeping three copies costs, in three side-by-side parts of one run, every party preloaded
 * and warmed up and measured in turns: (1) a single-copy cluster now against the same cluster as
 * built before replication went in ({@code base}), so N=1 is seen not to pay for replication; (2) a
 * healthy N=3 cluster against one with a node killed by SIGKILL; (3) the healthy N=3 cluster (nodes
 * at the default {@code --fsync always}) against webdis over redis-server with {@code appendfsync
 * always} (GET and PUT) and against a 3-member etcd cluster (PUT).
 */
public final class ReplicationScenario extends Scenario {
  public static final String NAME = "replication";
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 1, "turns of GET, then of PUT, for each party of each part");
  static final Param<String> BASE =
      new Param<>(
          "base",
          "c214843",
          "c214843",
          "commit before replication the N=1 cluster is compared with (built into bench/target/)",
          s -> s);

  static final ClusterFile.Replicas THREE = new ClusterFile.Replicas(3, 2, 2);
  static final ClusterFile.Replicas ONE = new ClusterFile.Replicas(1, 1, 1);

  static final String N1_BEFORE = "N=1 before";
  static final String N1_NOW = "N=1 now";
  static final String HEALTHY = "N=3 healthy";
  static final String ONE_DOWN = "N=3 one node down";
  static final String N3 = "N=3";
  static final String WEBDIS = "webdis always";
  static final String ETCD = "etcd 3 members";

  /** The node of the degraded cluster that is killed. */
  static final int KILLED = 3;

  public ReplicationScenario() {
    super(NAME, "Replication: N=3 against webdis and etcd, a node down, N=1 before and now");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE, Tool.REDIS, Tool.WEBDIS, Tool.ETCD);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS, BASE);
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "Three parts, each a side-by-side run (every party preloaded with "
        + s.load().keys()
        + " keys and warmed up, then "
        + rounds
        + " turns of GET and of PUT at `"
        + s.load().flags()
        + "`, goals on the median turn of each party). Clusters are 3 nodes configured like the"
        + " `router` scenario's behind one router. (1) `"
        + N1_NOW
        + "`: a cluster file with `\"replicas\": 1` and nodes at `"
        + String.join(" ", s.nodeFlags())
        + "`, against `"
        + N1_BEFORE
        + "`: the same cluster run from commit `"
        + param(s, BASE)
        + "` (before replication; built with `mvn -DskipTests -pl launcher -am package` from `git"
        + " archive` into `bench/target/replication-base-"
        + param(s, BASE)
        + "/`, kept for later runs). (2) Two clusters with `\"replicas\": 3, \"writeQuorum\": 2,"
        + " \"readQuorum\": 2` and nodes at the default `--fsync always`: `"
        + HEALTHY
        + "`, and `"
        + ONE_DOWN
        + "` whose node-"
        + KILLED
        + " was killed with SIGKILL after the preload and measured once the router suspects it"
        + " (its writes then go to the two others plus a hint on a stand-in). (3) The healthy"
        + " cluster (`"
        + N3
        + "`) against `"
        + WEBDIS
        + "` (webdis over redis-server with `--appendonly yes --appendfsync always`, GET and"
        + " PUT) and `"
        + ETCD
        + "` (a 3-member etcd cluster on loopback at its default durability, PUT as `POST"
        + " /v3/kv/put` on its HTTP gateway with the key and the same JSON value bytes"
        + " base64-encoded, sent to the leader, `bench/wrk/put-etcd.lua`).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    String m = " (side by side, median of " + n + " turns)";
    return List.of(
        Goal.ratio(
            "Replicated PUT (N=3, W=2) / webdis PUT with appendfsync always" + m,
            Ref.rps(NAME, medianLabel("PUT", N3, n)),
            Ref.rps(NAME, medianLabel("PUT", WEBDIS, n)),
            Target.ratioAtLeast(0.5)),
        Goal.ratio(
            "Replicated PUT (N=3, W=2) / etcd PUT, 3 members" + m,
            Ref.rps(NAME, medianLabel("PUT", N3, n)),
            Ref.rps(NAME, medianLabel("PUT", ETCD, n)),
            Target.ratioAtLeast(2.0)),
        Goal.ratio(
            "Replicated GET (N=3, R=2) / webdis GET" + m,
            Ref.rps(NAME, medianLabel("GET", N3, n)),
            Ref.rps(NAME, medianLabel("GET", WEBDIS, n)),
            Target.ratioAtLeast(0.8)),
        Goal.ratio(
            "Replicated GET (N=3, R=2), one of 3 nodes killed / healthy" + m,
            Ref.rps(NAME, medianLabel("GET", ONE_DOWN, n)),
            Ref.rps(NAME, medianLabel("GET", HEALTHY, n)),
            Target.ratioAtLeast(0.6)),
        Goal.ratio(
            "Replicated PUT (N=3, W=2), one of 3 nodes killed / healthy" + m,
            Ref.rps(NAME, medianLabel("PUT", ONE_DOWN, n)),
            Ref.rps(NAME, medianLabel("PUT", HEALTHY, n)),
            Target.ratioAtLeast(0.6)),
        Goal.ratio(
            "Router GET, one copy (N=1) / before replication" + m,
            Ref.rps(NAME, medianLabel("GET", N1_NOW, n)),
            Ref.rps(NAME, medianLabel("GET", N1_BEFORE, n)),
            Target.ratioAtLeast(0.95)),
        Goal.ratio(
            "Router PUT, one copy (N=1) / before replication" + m,
            Ref.rps(NAME, medianLabel("PUT", N1_NOW, n)),
            Ref.rps(NAME, medianLabel("PUT", N1_BEFORE, n)),
            Target.ratioAtLeast(0.95)));
  }

  @Override
  public void run(Bench bench) throws IOException {
    // Built first: a build that cannot run fails the scenario before minutes of measuring.
    Path before = PxkvBuild.launcherJar(bench, "replication-base", bench.param(BASE));
    Path now = bench.settings().pxkvJar();
    int rounds = bench.param(ROUNDS);
    Load load = bench.load();
    List<String> ops = List.of("GET", "PUT");

    // (1) One copy now against the same cluster before replication.
    List<String> runFlags = bench.pxkv().clusterNodeFlags();
    Pxkv.Cluster oldOne = bench.pxkv().cluster("repl-n1-before", 3, null, runFlags, before);
    Pxkv.Cluster newOne = bench.pxkv().cluster("repl-n1-now", 3, ONE, runFlags, now);
    bench.preload(oldOne.router());
    bench.preload(newOne.router());
    bench
        .sideBySide(load)
        .party(N1_BEFORE, oldOne.router()::call)
        .party(N1_NOW, newOne.router()::call)
        .measure(ops, rounds);
    stop(bench, oldOne);
    stop(bench, newOne);

    // (2) Three copies, healthy against one node killed.
    List<String> durable =
        List.of(
            "--fsync",
            "always",
            "--instances",
            Integer.toString(bench.settings().clusterNodeInstances()));
    Pxkv.Cluster healthy = bench.pxkv().cluster("repl-n3", 3, THREE, durable, now);
    Pxkv.Cluster degraded = bench.pxkv().cluster("repl-n3-down", 3, THREE, durable, now);
    bench.preload(healthy.router());
    bench.preload(degraded.router());
    killAndAwaitSuspicion(bench, degraded);
    bench
        .sideBySide(load)
        .party(HEALTHY, healthy.router()::call)
        .party(ONE_DOWN, degraded.router()::call)
        .measure(ops, rounds);
    JsonArray nodes =
        bench.http().getJson(degraded.router().url() + "/admin/cluster").getJsonArray("nodes");
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject node = nodes.getJsonObject(i);
      if (node.containsKey("hintsHeld")) {
        bench.extra(
            "one node down: hints held by " + node.getString("id") + " after the runs",
            String.valueOf(node.getValue("hintsHeld")));
      }
    }
    stop(bench, degraded);

    // (3) The healthy cluster against durable webdis and etcd.
    Server webdis =
        bench.baselines().webdis("repl-webdis", "--appendonly", "yes", "--appendfsync", "always");
    bench.preload(webdis);
    bench
        .sideBySide(load)
        .party(N3, healthy.router()::call)
        .party(WEBDIS, webdis::call)
        .measure(List.of("GET"), rounds);
    // Started after the GET runs, which it has no part in.
    List<Server> etcd = bench.baselines().etcdCluster("repl-etcd", 3);
    bench.extra(
        "etcd member the PUTs go to (it led the raft group once the cluster was up)",
        etcd.get(0).name());
    bench
        .sideBySide(load)
        .party(N3, healthy.router()::call)
        .party(WEBDIS, webdis::call)
        .party(ETCD, etcd.get(0)::call)
        .measure(List.of("PUT"), rounds);
  }

  /**
   * Kills node {@value #KILLED} of {@code cluster} with SIGKILL and waits until its router's
   * failure detector suspects it, so the runs measure a cluster that knows a node is down.
   */
  private static void killAndAwaitSuspicion(Bench bench, Pxkv.Cluster cluster) {
    Server victim = cluster.nodes().get(KILLED - 1);
    String id = ClusterFile.nodeId(KILLED);
    long t0 = System.nanoTime();
    victim.process().kill();
    long deadline = t0 + Duration.ofSeconds(bench.settings().startTimeoutSeconds()).toNanos();
    while (System.nanoTime() < deadline) {
      if (suspected(bench, cluster.router(), id)) {
        bench.extra(
            "one node down: " + id + " killed (SIGKILL), suspected by the router after",
            Bench.seconds(t0) + " s");
        return;
      }
      Bench.pause(100);
    }
    throw new BenchException(
        "the router did not suspect "
            + id
            + " within "
            + bench.settings().startTimeoutSeconds()
            + " s of its SIGKILL");
  }

  private static boolean suspected(Bench bench, Server router, String id) {
    JsonArray nodes = bench.http().getJson(router.url() + "/admin/cluster").getJsonArray("nodes");
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject node = nodes.getJsonObject(i);
      if (id.equals(node.getString("id"))) {
        JsonObject detector = node.getJsonObject("detector");
        return detector != null && detector.getBoolean("suspected", false);
      }
    }
    return false;
  }

  private static void stop(Bench bench, Pxkv.Cluster cluster) {
    bench.stop(cluster.router().process());
    for (Server node : cluster.nodes()) bench.stop(node.process());
  }
}
