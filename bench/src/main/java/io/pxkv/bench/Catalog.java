package io.pxkv.bench;

import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.scenarios.BareChainScenario;
import io.pxkv.bench.scenarios.BareServerScenario;
import io.pxkv.bench.scenarios.CompactionP99Scenario;
import io.pxkv.bench.scenarios.FsyncModesScenario;
import io.pxkv.bench.scenarios.KeyDirectoryScenario;
import io.pxkv.bench.scenarios.MoveScenario;
import io.pxkv.bench.scenarios.NodeCodecScenario;
import io.pxkv.bench.scenarios.NodeScenario;
import io.pxkv.bench.scenarios.QueryKnnScenario;
import io.pxkv.bench.scenarios.QueryMatchScenario;
import io.pxkv.bench.scenarios.QueryRangeScenario;
import io.pxkv.bench.scenarios.ReplicationScenario;
import io.pxkv.bench.scenarios.RestartTimeScenario;
import io.pxkv.bench.scenarios.RouterClientScenario;
import io.pxkv.bench.scenarios.RouterMetricsScenario;
import io.pxkv.bench.scenarios.RouterScenario;
import io.pxkv.bench.scenarios.RouterSideBySideScenario;
import io.pxkv.bench.scenarios.RouterTlsScenario;
import io.pxkv.bench.scenarios.StoredBytesScenario;
import io.pxkv.bench.scenarios.WebdisScenario;
import java.util.List;

/**
 * Every scenario, in the order a full run measures them and the report lists them. A new scenario
 * is one line here.
 */
public final class Catalog {
  private Catalog() {}

  public static List<Scenario> all() {
    return List.of(
        new BareServerScenario(),
        new BareChainScenario(),
        new WebdisScenario(),
        NodeScenario.cacheOn(),
        NodeScenario.cacheOff(),
        new NodeCodecScenario(),
        new StoredBytesScenario(),
        new RouterScenario(),
        new RouterSideBySideScenario(),
        new RouterClientScenario(),
        new RouterMetricsScenario(),
        new RouterTlsScenario(),
        new ReplicationScenario(),
        new FsyncModesScenario(),
        new RestartTimeScenario(),
        new KeyDirectoryScenario(),
        new CompactionP99Scenario(),
        new MoveScenario(),
        new QueryMatchScenario(),
        new QueryRangeScenario(),
        new QueryKnnScenario());
  }
}
