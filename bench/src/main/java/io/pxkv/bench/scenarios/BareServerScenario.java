package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import java.util.List;

/** The ceiling for one Vert.x HTTP hop on this machine: {@code BareServer} alone. */
public final class BareServerScenario extends Scenario {
  public static final String NAME = "bare_server";

  public BareServerScenario() {
    super(NAME, "Bare Vert.x server");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK);
  }

  @Override
  public String describe(Settings s) {
    return "The ceiling for one Vert.x HTTP hop: `BareServer` (one verticle per core) answers every"
        + " request with the same 35-byte JSON body, reading and dropping any request body. It gets"
        + " the very same GET and PUT requests as px-kvstore.";
  }

  @Override
  public void run(Bench bench) {
    Server server = bench.baselines().bareServer("bare-server");
    bench.measure("GET", server.get());
    bench.measure("PUT", server.put());
  }
}
