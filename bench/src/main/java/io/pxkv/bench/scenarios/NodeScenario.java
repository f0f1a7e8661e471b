package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import java.util.List;

/**
 * One storage node called directly, no router: with its value cache holding every key ({@code
 * node_cache_on}), or with the cache off so every GET reads its segment file ({@code
 * node_cache_off}).
 */
public final class NodeScenario extends Scenario {
  public static final String CACHE_ON = "node_cache_on";
  public static final String CACHE_OFF = "node_cache_off";

  private final boolean cache;

  private NodeScenario(boolean cache) {
    super(
        cache ? CACHE_ON : CACHE_OFF, cache ? "Storage node, cache on" : "Storage node, cache off");
    this.cache = cache;
  }

  public static NodeScenario cacheOn() {
    return new NodeScenario(true);
  }

  public static NodeScenario cacheOff() {
    return new NodeScenario(false);
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public String describe(Settings s) {
    if (cache) {
      return "One px-kvstore node (`--cache-bytes "
          + s.cacheBytes()
          + "`, enough for every preloaded value, `"
          + String.join(" ", s.nodeFlags())
          + "`) called directly, no router.";
    }
    return "The same node with `--cache-bytes 0`: every GET reads its value from the log segment on"
        + " disk (through the OS page cache).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    if (!cache) {
      return List.of(
          Goal.ratio(
              "Node GET cache off / cache on",
              Ref.rps(CACHE_OFF, "GET"),
              Ref.rps(CACHE_ON, "GET"),
              null));
    }
    return List.of(
        Goal.ratio(
            "Node GET (cache on) / bare server GET",
            Ref.rps(CACHE_ON, "GET"),
            Ref.rps(BareServerScenario.NAME, "GET"),
            Target.ratioAtLeast(0.8)),
        Goal.ratio(
            "Node PUT (cache on) / bare server PUT",
            Ref.rps(CACHE_ON, "PUT"),
            Ref.rps(BareServerScenario.NAME, "PUT"),
            null));
  }

  @Override
  public void run(Bench bench) {
    long cacheBytes = cache ? bench.settings().cacheBytes() : 0;
    Server node =
        bench
            .pxkv()
            .node(cache ? "node-cache-on" : "node-cache-off", "bench-node", cacheBytes, List.of());
    bench.preload(node);
    bench.measure("GET", node.get());
    bench.measure("PUT", node.put());
  }
}
