package io.pxkv.bench.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's command line, the one place the benchmark names router flags: a flag that goes goes
 * here, and every scenario and description follows. A scenario comparing router variants (say, its
 * HTTP client) adds flags with {@link #withFlags}. The router keeps no state of its own (the
 * cluster's state lives on the nodes), so there is no state folder to give it.
 *
 * @param clusterFile the cluster file the router watches
 * @param rebalanceRate keys per second a rebalance moves; null keeps the router's default
 * @param extraFlags anything else, as given
 */
public record RouterOptions(Path clusterFile, Integer rebalanceRate, List<String> extraFlags) {

  public RouterOptions {
    extraFlags = List.copyOf(extraFlags);
  }

  /** A router on {@code clusterFile}. */
  public static RouterOptions of(Path clusterFile) {
    return new RouterOptions(clusterFile, null, List.of());
  }

  public RouterOptions withRebalanceRate(int keysPerSecond) {
    return new RouterOptions(clusterFile, keysPerSecond, extraFlags);
  }

  public RouterOptions withFlags(String... flags) {
    List<String> all = new ArrayList<>(extraFlags);
    all.addAll(List.of(flags));
    return new RouterOptions(clusterFile, rebalanceRate, all);
  }

  /** The flags after {@code router --host 127.0.0.1 --port N}. */
  public List<String> args() {
    List<String> a = new ArrayList<>(List.of("--cluster", clusterFile.toString()));
    if (rebalanceRate != null) {
      a.add("--rebalance-rate");
      a.add(rebalanceRate.toString());
    }
    a.addAll(extraFlags);
    return a;
  }

  /** The flags as a description shows them, paths left out: {@code `--rebalance-rate 2500`}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (rebalanceRate != null) {
      parts.add("`--rebalance-rate " + rebalanceRate + "` keys/s");
    }
    if (!extraFlags.isEmpty()) {
      parts.add("`" + String.join(" ", extraFlags) + "`");
    }
    return String.join(", ", parts);
  }
}
