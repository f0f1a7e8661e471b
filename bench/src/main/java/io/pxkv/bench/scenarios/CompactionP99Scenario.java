package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Http;
import io.pxkv.bench.harness.Load;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * GET latency before and during a full compaction of a node whose disk is mostly dead records, with
 * the cache off so every GET reads the segments being rewritten.
 */
public final class CompactionP99Scenario extends Scenario {
  public static final String NAME = "compaction_p99";
  static final Param<Integer> KEYS =
      Param.integer("keys", 100_000, 5_000, "keys, each written `rounds` times");
  static final Param<Integer> ROUNDS = Param.integer("rounds", 5, 2, "times each key is written");

  /** The compaction starts this long after wrk, so the run sees the start of it. */
  static final long COMPACT_AFTER_MS = 500;

  public CompactionP99Scenario() {
    super(NAME, "GET latency during compaction");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, ROUNDS);
  }

  @Override
  public String describe(Settings s) {
    return "One node (`--fsync never --segment-bytes 4m --no-auto-compact --cache-bytes 0`: every"
        + " GET reads its segment file) holding "
        + param(s, KEYS)
        + " keys each written "
        + param(s, ROUNDS)
        + " times with a ~200-byte string value (imported, so most of the disk is dead records)."
        + " wrk GET (`"
        + s.load().flags()
        + "`, random key) before, then again with `POST /admin/compact` sent half a second after"
        + " wrk starts.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.ratio(
            "Node GET during compaction / before",
            Ref.rps(NAME, "GET during compaction"),
            Ref.rps(NAME, "GET before"),
            null),
        Goal.ratio(
            "Node GET p99 during compaction / before",
            Ref.run(NAME, "GET during compaction", Ref.P99_MS),
            Ref.run(NAME, "GET before", Ref.P99_MS),
            null));
  }

  @Override
  public void run(Bench bench) throws Exception {
    int keys = bench.param(KEYS);
    int rounds = bench.param(ROUNDS);
    Server node =
        bench
            .pxkv()
            .node(
                "compaction-node",
                "bench-node",
                0,
                List.of("--fsync", "never", "--segment-bytes", "4m", "--no-auto-compact"));
    String url = node.url();
    String pad = "x".repeat(190);
    long t0 = System.nanoTime();
    for (int r = 1; r <= rounds; r++) {
      List<String> lines = new ArrayList<>(keys);
      for (int i = 0; i < keys; i++) {
        lines.add(
            String.format(
                Locale.ROOT, "{\"key\":\"bench-%d\",\"value\":\"r%d-%07d-%s\"}", i, r, i, pad));
      }
      bench.importLines(url, lines);
    }
    bench.log("wrote " + keys + " keys x " + rounds + " in " + Bench.seconds(t0) + " s");
    bench.extra("before: diskBytes / liveBytes / segments", stats(bench.http(), url));

    Load load = bench.load().withKeys(keys);
    bench.measure("GET before", node.get(), load);

    // The compaction call runs beside the measured run, started half a second into it.
    long[] tookMs = {-1};
    CompletableFuture<JsonObject> compaction =
        CompletableFuture.supplyAsync(
            () -> {
              Bench.pause(COMPACT_AFTER_MS);
              long c0 = System.nanoTime();
              JsonObject answer =
                  bench
                      .http()
                      .postJson(url + "/admin/compact", new byte[0], null, Duration.ofMinutes(10));
              tookMs[0] = (System.nanoTime() - c0) / 1_000_000;
              return answer;
            });
    bench.measureRun("GET during compaction", node.get(), load);
    boolean inside = compaction.isDone();
    JsonObject answer = compaction.get(10, TimeUnit.MINUTES);
    bench.extra(
        "`POST /admin/compact` took",
        Bench.millisAsSeconds(tookMs[0])
            + " s ("
            + (inside
                ? "finished inside the measured run: the rest of the run saw no compaction"
                : "still running when the measured run ended: the whole run overlapped it")
            + ")");
    bench.extra("compaction answer", "`" + answer.encode() + "`");
    bench.extra("bytes reclaimed", String.valueOf(answer.getValue("bytesReclaimed", "NA")));
    bench.extra("after: diskBytes / liveBytes / segments", stats(bench.http(), url));
  }

  private static String stats(Http http, String url) {
    JsonObject s = http.getJson(url + "/admin/stats");
    return s.getValue("diskBytes", "NA")
        + " / "
        + s.getValue("liveBytes", "NA")
        + " / "
        + s.getValue("segments", "NA");
  }
}
