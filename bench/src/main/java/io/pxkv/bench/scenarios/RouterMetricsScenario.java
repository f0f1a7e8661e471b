package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
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
import io.pxkv.bench.report.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the router's metrics cost: two routers in front of the same 3 nodes, one with {@code
 * --metrics on} (the default), one with {@code --metrics off}, measured in turns. Goal: on keeps at
 * least 0.97x of off on GET and PUT.
 */
public final class RouterMetricsScenario extends Scenario {
  public static final String NAME = "router_metrics";
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of GET, then of PUT, for each router");

  public RouterMetricsScenario() {
    super(NAME, "The router with metrics on against metrics off, side by side");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS);
  }

  static RouterOptions metricsOff(RouterOptions base) {
    return base.withFlags("--metrics", "off");
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "Two routers in front of the same 3 nodes (configured as in `router`; the nodes keep"
        + " their metrics on): `on` with the default `--metrics on`, `off` with "
        + metricsOff(RouterOptions.of(java.nio.file.Path.of("c"))).describe()
        + " (nothing measured, Vert.x's metrics hooks off too). Preloaded and warmed up through"
        + " each, then measured in turns (on, off), "
        + rounds
        + " turns of GET, then "
        + rounds
        + " of PUT, at `"
        + s.load().flags()
        + "`. Goal: metrics cost at most 3%: on / off >= 0.97x on GET and PUT (median of the"
        + " turns).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    List<Goal> goals = new ArrayList<>();
    for (String op : List.of("GET", "PUT")) {
      goals.add(
          Goal.ratio(
              "Router " + op + ", metrics on / off (side by side, median of " + n + " turns)",
              Ref.rps(NAME, medianLabel(op, "on", n)),
              Ref.rps(NAME, medianLabel(op, "off", n)),
              Target.ratioAtLeast(0.97)));
    }
    return goals;
  }

  @Override
  public void run(Bench bench) {
    Pxkv.Cluster cluster = bench.pxkv().cluster("metrics-on", 3, 3, UnaryOperator.identity());
    Server off =
        bench.pxkv().router("metrics-off", metricsOff(RouterOptions.of(cluster.clusterFile())));
    bench.preload(cluster.router());
    bench
        .sideBySide(bench.load())
        .party("on", cluster.router()::call)
        .party("off", off::call)
        .measure(List.of("GET", "PUT"), bench.param(ROUNDS));
  }
}
