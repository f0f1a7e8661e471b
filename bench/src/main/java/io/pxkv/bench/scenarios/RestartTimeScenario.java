package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a node takes to come back on a million keys: without hints (every segment scanned) and
 * with hints (after a compaction wrote them). Times include JVM start-up, measured too.
 */
public final class RestartTimeScenario extends Scenario {
  public static final String NAME = "restart_time";
  static final Param<Integer> KEYS =
      Param.integer("keys", 1_000_000, 20_000, "keys loaded before the restarts");
  static final Param<Integer> CHUNK =
      Param.integer("chunk", 100_000, 5_000, "lines per POST /admin/import body");
  static final String WITH_HINTS = "restart_with_hints";

  public RestartTimeScenario() {
    super(NAME, "Node restart time");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, CHUNK);
  }

  @Override
  public String describe(Settings s) {
    return "A node (`--fsync never --no-auto-compact`) loaded with "
        + param(s, KEYS)
        + " keys (`restart-N`, 38-byte string values) through `POST /admin/import` in bodies of "
        + param(s, CHUNK)
        + " lines, stopped with SIGTERM, restarted on the same folder: \"without hints\" every"
        + " segment is scanned to rebuild the key directory. Then `POST /admin/compact` (every"
        + " segment rewritten, one hint file per output segment), SIGTERM, restart again: \"with"
        + " hints\". Times run from launching the JVM to the first `/health` 200 (and to the node's"
        + " `listening on port` line), polled every 20 ms; they include JVM start-up.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    return List.of(
        Goal.value(
            "Node restart with hints, " + param(s, KEYS) + " keys (s to /health)",
            Ref.metric(NAME, WITH_HINTS),
            Target.below(3, "s")));
  }

  @Override
  public void run(Bench bench) {
    int keys = bench.param(KEYS);
    int chunk = bench.param(CHUNK);
    Path dir = bench.temp().resolve("data").resolve("restart");
    List<String> flags =
        List.of(
            "--fsync",
            "never",
            "--no-auto-compact",
            "--cache-bytes",
            Long.toString(bench.settings().cacheBytes()));
    Pxkv pxkv = bench.pxkv();

    Pxkv.TimedStart load = pxkv.nodeIn("restart-load", "restart-node", dir, flags);
    String url = load.server().url();
    bench.extra(
        "first start, empty folder: to `/health` 200 (JVM start-up, the floor under both restarts)",
        Bench.millisAsSeconds(load.healthMillis()) + " s");
    long t0 = System.nanoTime();
    int bodies = 0;
    for (int from = 0; from < keys; from += chunk) {
      List<String> lines = new ArrayList<>();
      for (int i = from; i < Math.min(keys, from + chunk); i++) {
        lines.add(
            String.format(Locale.ROOT, "{\"key\":\"restart-%d\",\"value\":\"value-%030d\"}", i, i));
      }
      bench.importLines(url, lines);
      bodies++;
    }
    JsonObject stats = bench.http().getJson(url + "/admin/stats");
    bench.extra(
        "keys loaded (import, " + bodies + " bodies)",
        stats.getValue("keys") + " in " + Bench.seconds(t0) + " s");
    bench.extra(
        "data on disk (`/admin/stats` diskBytes), before compaction",
        stats.getValue("diskBytes") + " bytes");
    Duration stop = bench.stop(load.server().process());
    bench.extra("stop after load (SIGTERM to exit)", Bench.millisAsSeconds(stop.toMillis()) + " s");

    Pxkv.TimedStart noHints = pxkv.nodeIn("restart-no-hints", "restart-node", dir, flags);
    url = noHints.server().url();
    bench.extra("restart without hints: to `/health` 200 (to `listening on port`)", times(noHints));
    bench.extra("recovery line without hints", recoveryLine(noHints));
    checkKeys(bench, url, keys);
    t0 = System.nanoTime();
    JsonObject compact =
        bench.http().postJson(url + "/admin/compact", new byte[0], null, Duration.ofMinutes(10));
    bench.extra(
        "`POST /admin/compact`", Bench.seconds(t0) + " s, answer `" + compact.encode() + "`");
    bench.extra(
        "data on disk after compaction",
        bench.http().getJson(url + "/admin/stats").getValue("diskBytes") + " bytes");
    stop = bench.stop(noHints.server().process());
    bench.extra(
        "stop after compaction (SIGTERM to exit)", Bench.millisAsSeconds(stop.toMillis()) + " s");

    Pxkv.TimedStart hints = pxkv.nodeIn("restart-hints", "restart-node", dir, flags);
    bench.extra("restart with hints: to `/health` 200 (to `listening on port`)", times(hints));
    bench.extra("recovery line with hints", recoveryLine(hints));
    bench.metric(WITH_HINTS, hints.healthMillis() / 1000.0, "s");
    Object after = bench.http().getJson(hints.server().url() + "/admin/stats").getValue("keys");
    bench.extra("keys after the restart with hints", String.valueOf(after));
    checkKeys(bench, hints.server().url(), keys);
    bench.stop(hints.server().process());
  }

  private static String times(Pxkv.TimedStart t) {
    return Bench.millisAsSeconds(t.healthMillis())
        + " s ("
        + Bench.millisAsSeconds(t.logLineMillis())
        + " s)";
  }

  /** The node's {@code recovery:} log line, which says how many segments came from hints. */
  private static String recoveryLine(Pxkv.TimedStart t) {
    return t.server()
        .process()
        .logText()
        .lines()
        .filter(l -> l.contains("recovery:"))
        .findFirst()
        .map(l -> "`" + l.replace("`", "").strip() + "`")
        .orElse("(no recovery line in the log)");
  }

  private static void checkKeys(Bench bench, String url, int expected) {
    long keys = bench.http().getJson(url + "/admin/stats").getLong("keys", -1L);
    if (keys != expected) {
      throw new BenchException(
          "the node holds " + keys + " keys after the restart, expected " + expected);
    }
  }
}
