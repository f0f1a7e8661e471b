package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.ClusterFile;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A router in front of 3 nodes, on its own: its numbers next to the direct node, the bare chain and
 * webdis, each measured minutes apart in its own scenario (no verdict: the side-by-side scenario
 * judges the router goals).
 */
public final class RouterScenario extends Scenario {
  public static final String NAME = "router";

  public RouterScenario() {
    super(NAME, "Router in front of 3 nodes");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public String describe(Settings s) {
    return "A px-kvstore router (cluster file with 3 nodes, "
        + ClusterFile.VIRTUAL_NODES
        + " virtual nodes each) in front of 3 nodes configured like the cache-on node plus"
        + " `--instances "
        + s.clusterNodeInstances()
        + "` (see Method); keys preloaded through the router. Compare with the cache-on node called"
        + " directly.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    String apart = " (one run each, minutes apart)";
    return List.of(
        Goal.ratio(
            "Router GET / bare proxy chain GET" + apart,
            Ref.rps(NAME, "GET"),
            Ref.rps(BareChainScenario.NAME, "GET"),
            null),
        Goal.ratio(
            "Router PUT / bare proxy chain PUT" + apart,
            Ref.rps(NAME, "PUT"),
            Ref.rps(BareChainScenario.NAME, "PUT"),
            null),
        Goal.ratio(
            "Router GET / webdis GET" + apart,
            Ref.rps(NAME, "GET"),
            Ref.rps(WebdisScenario.NAME, "GET"),
            null),
        Goal.ratio(
            "Router PUT / webdis PUT" + apart,
            Ref.rps(NAME, "PUT"),
            Ref.rps(WebdisScenario.NAME, "PUT"),
            null),
        Goal.ratio(
            "Router GET / direct node GET (cache on)",
            Ref.rps(NAME, "GET"),
            Ref.rps(NodeScenario.CACHE_ON, "GET"),
            null),
        Goal.ratio(
            "Router PUT / direct node PUT (cache on)",
            Ref.rps(NAME, "PUT"),
            Ref.rps(NodeScenario.CACHE_ON, "PUT"),
            null));
  }

  @Override
  public void run(Bench bench) {
    Pxkv.Cluster cluster = bench.pxkv().cluster("router", 3, 3, UnaryOperator.identity());
    bench.preload(cluster.router());
    bench.measure("GET", cluster.router().get());
    bench.measure("PUT", cluster.router().put());
  }
}
