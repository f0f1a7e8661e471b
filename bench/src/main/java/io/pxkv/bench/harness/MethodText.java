package io.pxkv.bench.harness;

import io.pxkv.bench.measure.WarmUpRule;
import java.util.List;

/** The report's method bullets, from the run's settings. */
public final class MethodText {
  private MethodText() {}

  public static List<String> lines(Settings s) {
    Load l = s.load();
    WarmUpRule w = s.warmUp();
    String nodeFlags = String.join(" ", s.nodeFlags());
    String javaOpts = s.javaOpts().isEmpty() ? "(defaults)" : String.join(" ", s.javaOpts());
    return List.of(
        "One `wrk "
            + l.flags()
            + " --latency` per call, after an unmeasured warm-up with the same settings: "
            + w.windowSeconds()
            + " s wrk windows, at least "
            + w.minSeconds()
            + " s, until three in a row agree within 5% (the JIT has settled), at most "
            + w.maxSeconds()
            + " s. A warm-up that reached the cap is named in its section.",
        "Everything on loopback (127.0.0.1) on the same "
            + s.cores()
            + " cores: wrk and the servers under test share them, so absolute numbers are low and"
            + " the ratios between parties measured side by side in one run are what counts.",
        "Side by side: the parties of a goal run at once and are measured in alternating turns;"
            + " the goal compares the median run of each (`median of N turns` rows), so drift of the"
            + " machine over minutes cannot decide it.",
        l.keys()
            + " keys (`bench-0` .. `bench-"
            + (l.keys() - 1)
            + "`, values like `{\"n\":42,\"s\":\"bench-value\"}`) are preloaded before the GET"
            + " runs; GET and PUT pick a uniformly random key per request (Lua scripts in"
            + " `bench/wrk/`).",
        "px-kvstore nodes run with `--cache-bytes <N>"
            + (nodeFlags.isEmpty() ? "" : " " + nodeFlags)
            + "`."
            + (nodeFlags.contains("--fsync never")
                ? " PUT is measured with `--fsync never`: these runs are about the HTTP and"
                    + " forwarding cost, not the disk; fsync-mode PUT is its own scenario."
                : ""),
        "The nodes of the cluster scenarios share the machine with each other and the router, so"
            + " each also gets `--instances "
            + s.clusterNodeInstances()
            + "` (cores / 3, at least 1: its share of event loops, as `px-kvstore local` gives its"
            + " nodes); a node alone keeps one event loop per core.",
        "The storage and cluster scenarios set their own node flags, key counts and wrk"
            + " connections, named in their sections; their extra numbers (times, sizes, keys"
            + " moved) are in a second table under each.",
        "JVM options for every JVM under test, baselines and px-kvstore alike: `" + javaOpts + "`.",
        "`server CPU per request` is the CPU time (user + system, all threads) that the processes"
            + " a scenario started used during the measured run, divided by the requests served."
            + " It is less sensitive than req/s to other work on the machine, and says where a gap"
            + " comes from.",
        "`errors` counts non-2xx answers and socket errors; a goal whose runs had errors is not"
            + " judged.",
        "`other load` is the CPU that processes outside this benchmark (neither wrk, nor the"
            + " servers under test, nor the harness) used during the measured run, as a share of the"
            + " whole machine: above a few percent the run was disturbed and its ratios are"
            + " suspect; a verdict whose runs saw more than "
            + percent(s.disturbedPercent())
            + " is marked `(disturbed)`.");
  }

  static String percent(double p) {
    return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "%";
  }
}
