package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.Http;
import io.pxkv.bench.harness.Pxkv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What the query scenarios share: a 3-node cluster loaded through the router's {@code POST
 * /admin/import}, indexes then added to its cluster file (so they are back-filled, as on a running
 * cluster), and latency measured over sequential calls.
 */
final class QueryCluster {
  private QueryCluster() {}

  /** Starts a 3-node cluster named {@code name}. */
  static Pxkv.Cluster start(Bench bench, String name) {
    return bench.pxkv().cluster(name, 3, 3, o -> o);
  }

  /** Imports {@code keys} lines ({@code line.apply(i)}) through the router in bodies of 50,000. */
  static void load(Bench bench, Pxkv.Cluster c, int keys, IntFunction<String> line) {
    long t0 = System.nanoTime();
    int chunk = 50_000;
    for (int from = 0; from < keys; from += chunk) {
      List<String> lines = new ArrayList<>(chunk);
      for (int i = from; i < Math.min(keys, from + chunk); i++) lines.add(line.apply(i));
      bench.importLines(c.router().url(), lines);
    }
    bench.extra(
        "keys loaded through the router (`POST /admin/import`)",
        keys + " in " + Bench.seconds(t0) + " s");
  }

  /**
   * Adds {@code indexes} to the cluster file and waits until {@code /admin/cluster} shows every one
   * built on every node; records how long the back-fill took.
   */
  static void addIndexes(Bench bench, Pxkv.Cluster c, JsonArray indexes) {
    Path file = c.clusterFile();
    try {
      JsonObject json = new JsonObject(Files.readString(file)).put("indexes", indexes);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, json.encodePrettily());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long t0 = System.nanoTime();
    long deadline = t0 + Duration.ofMinutes(10).toNanos();
    while (true) {
      JsonObject status = bench.http().getJson(c.router().url() + "/admin/cluster");
      JsonArray built = status.getJsonArray("indexes");
      if (built != null && built.size() == indexes.size()) {
        boolean ready = true;
        for (int i = 0; i < built.size(); i++) {
          ready &= "ready".equals(built.getJsonObject(i).getString("state"));
        }
        if (ready) {
          bench.extra(
              "indexes added to the cluster file, back-filled on every node (`/admin/cluster`)",
              Bench.seconds(t0) + " s, " + built.encode());
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new BenchException("indexes not built after 10 minutes: " + status.encode());
      }
      Bench.pause(100);
    }
  }

  /** One call of a latency series; throws {@link BenchException} on an answer that is not 2xx. */
  interface Call {
    Http.Answer run(int i);
  }

  /**
   * Runs {@code warmUp} unmeasured calls, then {@code count} measured ones, one at a time; their
   * latencies in milliseconds, sorted.
   */
  static double[] latencies(int warmUp, int count, Call call) {
    for (int i = 0; i < warmUp; i++) check(call.run(i));
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      check(call.run(warmUp + i));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static void check(Http.Answer a) {
    if (a == null || !a.ok()) {
      throw new BenchException(
          "a query failed: " + (a == null ? "no answer" : a.status() + " " + a.body()));
    }
  }

  static String describe(double[] ms) {
    return String.format(
        java.util.Locale.ROOT,
        "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms over %d calls",
        percentile(ms, 0.5),
        percentile(ms, 0.9),
        percentile(ms, 0.99),
        ms.length);
  }
}
