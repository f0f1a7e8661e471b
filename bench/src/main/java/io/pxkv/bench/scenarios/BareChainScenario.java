package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import java.util.List;

/** The honest minimum cost of a router hop: {@code BareProxy} in front of {@code BareServer}. */
public final class BareChainScenario extends Scenario {
  public static final String NAME = "bare_chain";

  public BareChainScenario() {
    super(NAME, "Bare Vert.x proxy chain");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK);
  }

  @Override
  public String describe(Settings s) {
    return "`BareProxy` (Vert.x server + pooled keep-alive HttpClient, pool 64 per event loop, 5 s"
        + " deadline per call, one verticle per core) forwarding method, URI, Content-Type and body"
        + " to a `BareServer`, returning status, Content-Type and body unchanged: the honest minimum"
        + " cost of a router hop in front of a node (no ring, no parsing).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.ratio(
            "Bare proxy chain GET / bare server GET",
            Ref.rps(NAME, "GET"),
            Ref.rps(BareServerScenario.NAME, "GET"),
            null));
  }

  @Override
  public void run(Bench bench) {
    Server backend = bench.baselines().bareServer("bare-chain-server");
    Server proxy = bench.baselines().bareProxy("bare-chain-proxy", backend);
    bench.measure("GET", proxy.get());
    bench.measure("PUT", proxy.put());
  }
}
