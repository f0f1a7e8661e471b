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
 * The router's own HTTP/1.1 client to its nodes against Vert.x's HttpClient, side by side: two
 * routers in front of the same 3 nodes, one with {@code --node-client own}, one with {@code
 * --node-client vertx} (pipelining on, one deadline sweep, no timer per call), measured in turns.
 * The own client stays only if it is at least 1.1x on both GET and PUT.
 */
public final class RouterClientScenario extends Scenario {
  public static final String NAME = "router_client";
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of GET, then of PUT, for each router");

  public RouterClientScenario() {
    super(NAME, "The router's own node client against Vert.x's, side by side");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS);
  }

  static RouterOptions vertxClient(RouterOptions base) {
    return base.withFlags("--node-client", "vertx");
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "Two routers in front of the same 3 nodes (configured as in `router`): `own` with the"
        + " router's own pipelining HTTP/1.1 client (the default), `vertx` with "
        + vertxClient(RouterOptions.of(java.nio.file.Path.of("c"))).describe()
        + " (Vert.x's HttpClient, pool 8 and pipelining 16 per node and event loop as the own"
        + " client, one deadline sweep per node client, no timer per call). Preloaded and warmed up"
        + " through each, then measured in turns (own, vertx), "
        + rounds
        + " turns of GET, then "
        + rounds
        + " of PUT, at `"
        + s.load().flags()
        + "`. The rule: the own client stays only if it is at least 1.1x Vert.x's on both GET and"
        + " PUT (median of the turns).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    List<Goal> goals = new ArrayList<>();
    for (String op : List.of("GET", "PUT")) {
      goals.add(
          Goal.ratio(
              "Router "
                  + op
                  + ", own node client / Vert.x's (side by side, median of "
                  + n
                  + " turns)",
              Ref.rps(NAME, medianLabel(op, "own", n)),
              Ref.rps(NAME, medianLabel(op, "vertx", n)),
              Target.ratioAtLeast(1.1)));
    }
    return goals;
  }

  @Override
  public void run(Bench bench) {
    Pxkv.Cluster cluster = bench.pxkv().cluster("client-own", 3, 3, UnaryOperator.identity());
    Server vertx =
        bench.pxkv().router("client-vertx", vertxClient(RouterOptions.of(cluster.clusterFile())));
    bench.preload(cluster.router());
    bench
        .sideBySide(bench.load())
        .party("own", cluster.router()::call)
        .party("vertx", vertx::call)
        .measure(List.of("GET", "PUT"), bench.param(ROUNDS));
  }
}
