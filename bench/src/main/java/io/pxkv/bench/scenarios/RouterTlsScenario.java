package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Certificates;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What TLS costs: a router over 3 nodes speaking plain HTTP on both hops, and another over 3 other
 * nodes speaking TLS on both hops (wrk to the router, the router to its nodes), side by side.
 * Reported as a ratio without a goal: the cost is the handshake-free per-request encryption on two
 * hops, which depends on the machine's AES support more than on px-kvstore.
 */
public final class RouterTlsScenario extends Scenario {
  public static final String NAME = "router_tls";
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of GET, then of PUT, for each cluster");

  public RouterTlsScenario() {
    super(NAME, "The router with TLS on both hops against plain HTTP, side by side");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS);
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "Two clusters of a router and 3 nodes each (configured as in `router`): `plain` speaks"
        + " HTTP on both hops; `tls` serves HTTPS to wrk (`--tls-cert`, `--tls-key`: RSA 2048,"
        + " signed by a throwaway CA made with keytool) and calls nodes that serve HTTPS with the"
        + " same pair (`https://` in the cluster file, `--node-ca`). Connections are kept alive,"
        + " so handshakes are out of the measured runs. Preloaded and warmed up through each"
        + " router, then measured in turns (plain, tls), "
        + rounds
        + " turns of GET, then "
        + rounds
        + " of PUT, at `"
        + s.load().flags()
        + "`. No goal: the ratio is reported.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    List<Goal> goals = new ArrayList<>();
    for (String op : List.of("GET", "PUT")) {
      goals.add(
          Goal.ratio(
              "Router " + op + ", TLS both hops / plain (side by side, median of " + n + " turns)",
              Ref.rps(NAME, medianLabel(op, "tls", n)),
              Ref.rps(NAME, medianLabel(op, "plain", n)),
              null));
    }
    return goals;
  }

  @Override
  public void run(Bench bench) {
    Certificates certs = Certificates.make(bench.temp().resolve("tls"));
    Pxkv.Cluster plain = bench.pxkv().cluster("tls-off", 3, 3, UnaryOperator.identity());
    Pxkv.Cluster tls = bench.pxkv().tlsCluster("tls-on", 3, certs);
    bench.preload(plain.router());
    bench.preload(tls.router());
    bench
        .sideBySide(bench.load())
        .party("plain", plain.router()::call)
        .party("tls", tls.router()::call)
        .measure(List.of("GET", "PUT"), bench.param(ROUNDS));
  }
}
