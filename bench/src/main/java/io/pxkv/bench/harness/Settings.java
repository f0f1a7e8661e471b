package io.pxkv.bench.harness;

import io.pxkv.bench.measure.WarmUpRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a run is told: where things are, the wrk and warm-up settings every scenario shares,
 * the node flags, and the per-scenario {@link Param} overrides. Built by {@link CommandLine}; a
 * {@code --quick} run starts from {@link #QUICK} sizes instead of the full ones.
 *
 * @param root the repository (wrk scripts, webdis template, results folder, git commit)
 * @param pxkvJar the px-kvstore launcher jar the servers run
 * @param benchJar this harness's jar (the baselines run from it)
 * @param report the report file; null: docs/BENCHMARKS.md, or the results folder for --quick
 * @param load wrk threads, connections, seconds and keys for a measured run
 * @param warmUp the warm-up windows and caps
 * @param cacheBytes the node value cache for the cache-on nodes
 * @param nodeFlags flags every node gets unless a scenario sets its own ({@code --fsync never})
 * @param javaOpts JVM options for every JVM under test, baselines and px-kvstore alike
 * @param disturbedPercent other load above which a verdict is marked disturbed
 * @param note a paragraph put at the top of the report
 * @param overrides {@code scenario.param} to the text given with {@code --set}
 * @param searchPath where tools are looked for (the PATH)
 */
public record Settings(
    Path root,
    Path pxkvJar,
    Path benchJar,
    Path report,
    Load load,
    WarmUpRule warmUp,
    long cacheBytes,
    List<String> nodeFlags,
    List<String> javaOpts,
    int startTimeoutSeconds,
    int stopTimeoutSeconds,
    double disturbedPercent,
    String note,
    boolean quick,
    Map<String, String> overrides,
    String searchPath) {

  /** A full run: 10 s runs at 64 connections, 10,000 keys, warm-up 3 s windows for 12-90 s. */
  public static final Load FULL = new Load(2, 64, 10, 10_000);

  public static final WarmUpRule FULL_WARM_UP = new WarmUpRule(3, 12, 90);

  /** A smoke run: 2 s runs, 1,000 keys, warm-up 1 s windows for 2-6 s. */
  public static final Load QUICK = new Load(2, 64, 2, 1_000);

  public static final WarmUpRule QUICK_WARM_UP = new WarmUpRule(1, 2, 6);

  public Settings {
    nodeFlags = List.copyOf(nodeFlags);
    javaOpts = List.copyOf(javaOpts);
    overrides = Map.copyOf(overrides);
  }

  /** The value of {@code param} for {@code scenario}: its override, else quick or full default. */
  public <T> T param(String scenario, Param<T> param) {
    String text = overrides.get(scenario + "." + param.name());
    if (text != null) {
      return param.parse(text);
    }
    return quick ? param.quick() : param.normal();
  }

  /** Cores this machine gives the benchmark. */
  public int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Event loops each node of a cluster scenario gets: cores / 3, at least 1, as {@code px-kvstore
   * local} gives its nodes. Three nodes and a router share the machine; each loop then has more
   * requests per wake-up.
   */
  public int clusterNodeInstances() {
    return Math.max(1, cores() / 3);
  }

  /** The JVM that runs every Java server: the one running the harness. */
  public String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code bench/wrk/}: the Lua scripts wrk runs. */
  public Path wrkScripts() {
    return root.resolve("bench").resolve("wrk");
  }
}
