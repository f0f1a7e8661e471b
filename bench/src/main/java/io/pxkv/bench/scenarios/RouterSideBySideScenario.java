package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
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
 * The router goals' three parties at once, measured in turns: the router with its 3 nodes, the bare
 * proxy chain and webdis. The goals compare the median run of each.
 */
public final class RouterSideBySideScenario extends Scenario {
  public static final String NAME = "router_side_by_side";
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of GET, then of PUT, for each party");

  public RouterSideBySideScenario() {
    super(NAME, "Router, bare proxy chain and webdis side by side");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE, Tool.REDIS, Tool.WEBDIS);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS);
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "The three parties of the router goals run at once, each set up as in its own scenario:"
        + " the router with its 3 nodes (`router`), `BareProxy` in front of `BareServer`"
        + " (`bare_chain`), and webdis in front of redis-server (`webdis`). Each is preloaded and"
        + " warmed up, then they are measured in turns (router, chain, webdis), "
        + rounds
        + " turns of GET, then "
        + rounds
        + " of PUT, all at `"
        + s.load().flags()
        + "`; the router goals compare the run with the median req/s of each (`median of N turns`"
        + " rows), so drift of the machine between scenarios minutes apart cannot decide them. The"
        + " two parties not being measured sit idle; `server CPU per request` counts all three.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    String m = ", median of " + n + " turns";
    List<Goal> goals = new ArrayList<>();
    for (String base : List.of("chain", "webdis")) {
      String name = base.equals("chain") ? "bare proxy chain" : "webdis";
      double min = base.equals("chain") ? 0.9 : 1.0;
      for (String op : List.of("GET", "PUT")) {
        goals.add(
            Goal.ratio(
                "Router " + op + " / " + name + " " + op + " (side by side" + m + ")",
                Ref.rps(NAME, medianLabel(op, "router", n)),
                Ref.rps(NAME, medianLabel(op, base, n)),
                Target.ratioAtLeast(min)));
      }
    }
    return goals;
  }

  @Override
  public void run(Bench bench) {
    Pxkv.Cluster cluster = bench.pxkv().cluster("side-router", 3, 3, UnaryOperator.identity());
    Server backend = bench.baselines().bareServer("side-chain-server");
    Server chain = bench.baselines().bareProxy("side-chain-proxy", backend);
    Server webdis = bench.baselines().webdis("side-webdis");
    bench.preload(cluster.router());
    bench.preload(webdis);
    bench
        .sideBySide(bench.load())
        .party("router", cluster.router()::call)
        .party("chain", chain::call)
        .party("webdis", webdis::call)
        .measure(List.of("GET", "PUT"), bench.param(ROUNDS));
  }
}
