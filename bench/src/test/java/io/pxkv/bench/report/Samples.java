package io.pxkv.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fixed report data for the golden tests: numbers from a full run of the old script. */
final class Samples {
  private Samples() {}

  static final RunInfo INFO =
      new RunInfo(
          "2026-11-27 04:15",
          "34a4ed1",
          false,
          "`wrk -t2 -c64 -d10s`, warm-up 3 s windows for 12-90 s",
          "3.08 5.58 5.47",
          "5.72 5.21 4.95",
          "bench/results/20261127T034625Z/");

  static Run run(
      String op, double rps, double p99, long errors, long requests, double other, double cpu) {
    return new Run(op, rps, p99 / 2, p99, errors, requests, other, cpu, false);
  }

  static SectionData bareServer() {
    return new SectionData(
        "bare_server",
        "Bare Vert.x server",
        "The ceiling for one Vert.x HTTP hop.",
        SectionData.Status.RAN,
        null,
        INFO,
        List.of(
            run("GET", 105696.4, 7.35, 0, 1064859, 1.2, 10.4),
            run("PUT", 91524.0, 6.72, 0, 917005, 0.4, 11.0)),
        List.of(),
        Map.of(),
        List.of());
  }

  static SectionData node() {
    return new SectionData(
        "node_cache_on",
        "Storage node, cache on",
        "One px-kvstore node called directly, no router.",
        SectionData.Status.RAN,
        null,
        INFO,
        List.of(
            run("GET", 98865, 3.29, 0, 989707, 0.6, 11),
            run("PUT", 68240, 43.96, 0, 682971, 0.2, 18)),
        List.of(),
        Map.of(),
        List.of(
            Goal.ratio(
                "Node GET (cache on) / bare server GET",
                Ref.rps("node_cache_on", "GET"),
                Ref.rps("bare_server", "GET"),
                Target.ratioAtLeast(0.8)),
            Goal.ratio(
                "Node PUT (cache on) / bare server PUT",
                Ref.rps("node_cache_on", "PUT"),
                Ref.rps("bare_server", "PUT"),
                null)));
  }

  static SectionData restart() {
    Map<String, Metric> metrics = new LinkedHashMap<>();
    metrics.put("restart_with_hints", new Metric(1.71, "s"));
    return new SectionData(
        "restart_time",
        "Node restart time",
        "A node loaded with 1000000 keys -- stopped and restarted.",
        SectionData.Status.RAN,
        null,
        INFO,
        List.of(),
        List.of(
            new Extra(
                "restart with hints: to `/health` 200 (to `listening on port`)", "1.71 s (1.71 s)"),
            new Extra("compaction answer", "`{\"segmentsIn\":2,\"segmentsOut\":2}`")),
        metrics,
        List.of(
            Goal.value(
                "Node restart with hints, 1000000 keys (s to /health)",
                Ref.metric("restart_time", "restart_with_hints"),
                Target.below(3, "s"))));
  }

  static SectionData sideBySide() {
    Run g1 = run("GET router turn 1", 45986, 8.99, 0, 460931, 1, 32);
    Run c1 = run("GET chain turn 1", 33057, 5.61, 0, 330800, 1, 47);
    Run g2 = run("GET router turn 2", 57670, 3.17, 0, 582497, 0, 24);
    Run c2 = run("GET chain turn 2", 29790, 6.63, 0, 298380, 14, 52);
    Run g3 = run("GET router turn 3", 52993, 3.48, 0, 530159, 1, 26);
    Run c3 = run("GET chain turn 3", 30652, 6.31, 0, 306852, 1, 51);
    return new SectionData(
        "router_side_by_side",
        "Router, bare proxy chain and webdis side by side",
        "The parties run at once, measured in turns.",
        SectionData.Status.RAN,
        null,
        INFO,
        List.of(
            g1,
            c1,
            g2,
            c2,
            g3,
            c3,
            g3.asMedian("GET router, median of 3 turns"),
            c3.asMedian("GET chain, median of 3 turns")),
        List.of(),
        Map.of(),
        List.of(
            Goal.ratio(
                "Router GET / bare proxy chain GET (side by side, median of 3 turns)",
                Ref.rps("router_side_by_side", "GET router, median of 3 turns"),
                Ref.rps("router_side_by_side", "GET chain, median of 3 turns"),
                Target.ratioAtLeast(0.9)),
            Goal.ratio(
                "Router PUT / bare proxy chain PUT (side by side, median of 3 turns)",
                Ref.rps("router_side_by_side", "PUT router, median of 3 turns"),
                Ref.rps("router_side_by_side", "PUT chain, median of 3 turns"),
                Target.ratioAtLeast(0.9))));
  }

  static SectionData skippedWebdis() {
    return new SectionData(
        "webdis",
        "webdis in front of redis-server",
        "webdis over redis-server with persistence off.",
        SectionData.Status.SKIPPED,
        "missing redis-server, webdis (`apt-get install -y redis-server webdis`)",
        INFO,
        List.of(),
        List.of(),
        Map.of(),
        List.of());
  }

  static SectionData failedRebalance() {
    return new SectionData(
        "rebalance",
        "Adding a node under load",
        "A 4th node joins a router's cluster under load.",
        SectionData.Status.FAILED,
        "the router did not start moving keys within 30 s (phase idle) (logs in"
            + " `bench/results/20261127T034625Z/`)",
        INFO,
        List.of(run("GET before", 51970, 4.23, 0, 519961, 0.3, 28)),
        List.of(new Extra("keys on node-1 before", "63416")),
        Map.of(),
        List.of(
            Goal.ratio(
                "Router GET while adding a node / before",
                Ref.rps("rebalance", "GET during move"),
                Ref.rps("rebalance", "GET before"),
                null)));
  }

  static MachineFacts machine() {
    Map<String, String> tools = new LinkedHashMap<>();
    tools.put("wrk", "debian/4.1.0-3+b2");
    tools.put("redis-server", "7.0.15");
    tools.put("webdis", "not installed");
    return new MachineFacts(
        "2026-11-27 04:15",
        2,
        "Intel(R) Xeon(R) Processor @ 2.50GHz",
        "23.5 GiB",
        "Linux 6.18.44-fc-v857",
        "OpenJDK Runtime Environment 17.0.15+6-Debian-1deb12u1 (OpenJDK 64-Bit Server VM)",
        tools,
        "34a4ed1",
        "3.08 5.58 5.47",
        "5.72 5.21 4.95");
  }
}
