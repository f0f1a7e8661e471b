package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import java.util.List;

/** An off-the-shelf HTTP front end to a key-value store: webdis over redis-server. */
public final class WebdisScenario extends Scenario {
  public static final String NAME = "webdis";

  public WebdisScenario() {
    super(NAME, "webdis in front of redis-server");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, Tool.REDIS, Tool.WEBDIS);
  }

  @Override
  public String describe(Settings s) {
    return "An off-the-shelf HTTP front end to a key-value store: webdis (threads = cores) over"
        + " redis-server with persistence off (no RDB, no AOF). GET is `GET /GET/bench-N`; PUT is"
        + " `PUT /SET/bench-N` with the same JSON bytes px-kvstore gets as body.";
  }

  @Override
  public void run(Bench bench) {
    Server webdis = bench.baselines().webdis("webdis");
    bench.preload(webdis);
    bench.measure("GET", webdis.get());
    bench.measure("PUT", webdis.put());
  }
}
