package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.BenchException;
import io.pxkv.bench.harness.Commands;
import io.pxkv.bench.harness.Load;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Pxkv;
import io.pxkv.bench.harness.PxkvBuild;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key directory against the one it replaced, in one run: px-kvstore as built at {@code base}
 * (the commit before the compact directory, built from {@code git archive} into {@code
 * bench/target/}) and as built now, each a node loaded with a million keys: heap bytes per key
 * (live objects after a full collection, by {@code jcmd GC.class_histogram}, loaded less empty),
 * restart time on the compacted folder, and node GET side by side.
 */
public final class KeyDirectoryScenario extends Scenario {
  public static final String NAME = "key_directory";
  static final Param<Integer> KEYS =
      Param.integer("keys", 1_000_000, 20_000, "keys loaded into each node");
  static final Param<Integer> CHUNK =
      Param.integer("chunk", 100_000, 5_000, "lines per POST /admin/import body");
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 1, "turns of the side-by-side GET runs");
  static final Param<String> BASE =
      new Param<>(
          "base",
          "0ca6be2",
          "0ca6be2",
          "commit of the directory compared against (built into bench/target/)",
          s -> s);

  static final String BEFORE = "before";
  static final String NOW = "now";
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");

  public KeyDirectoryScenario() {
    super(NAME, "Key directory: heap per key, restart, GET, before and now");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS, CHUNK, ROUNDS, BASE);
  }

  @Override
  public String describe(Settings s) {
    return "Two builds of px-kvstore side by side: `"
        + BEFORE
        + "` is commit `"
        + param(s, BASE)
        + "` (a `ConcurrentHashMap` of `String` to entry records beside a skip list of the same"
        + " keys), built with `mvn -DskipTests -pl launcher -am package` from `git archive` into"
        + " `bench/target/` (kept for later runs); `"
        + NOW
        + "` is the jar under test. Each runs a node (`--fsync never --no-auto-compact"
        + " --cache-bytes 0`) loaded with "
        + param(s, KEYS)
        + " keys (`bench-N`, 38-byte string values) through `POST /admin/import` in bodies of "
        + param(s, CHUNK)
        + " lines, then one page of a listing (so the sorted keys are built). Heap per key: the"
        + " bytes of live objects after a full collection (`jcmd PID GC.class_histogram`, its"
        + " Total), loaded less empty, divided by the keys, less the keys' average UTF-8 length."
        + " Then `POST /admin/compact`, SIGTERM, and a timed restart on the folder with the run's"
        + " cache (JVM launch to `/health` 200, hints present). Then wrk GET (random key of the"
        + " loaded ones) against both restarted nodes side by side, "
        + param(s, ROUNDS)
        + " turns each.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    return List.of(
        Goal.value(
            "Key directory heap per key beyond the key's bytes, " + param(s, KEYS) + " keys",
            Ref.metric(NAME, metric(NOW, "heap_per_key")),
            Target.below(64, "B")),
        Goal.ratio(
            "Node GET with the compact key directory / before (side by side, median of "
                + n
                + " turns)",
            Ref.rps(NAME, medianLabel("GET", NOW, n)),
            Ref.rps(NAME, medianLabel("GET", BEFORE, n)),
            Target.ratioAtLeast(0.9)),
        Goal.value(
            "Node restart with the compact key directory, "
                + param(s, KEYS)
                + " keys (s to /health)",
            Ref.metric(NAME, metric(NOW, "restart")),
            Target.below(2, "s")));
  }

  private static String metric(String party, String what) {
    return what + "_" + party;
  }

  @Override
  public void run(Bench bench) throws IOException {
    int keys = bench.param(KEYS);
    Map<String, Path> jars = new LinkedHashMap<>();
    jars.put(BEFORE, PxkvBuild.launcherJar(bench, "keydir-base", bench.param(BASE)));
    jars.put(NOW, bench.settings().pxkvJar());
    double keyBytes = 0;
    for (int i = 0; i < keys; i++) keyBytes += ("bench-" + i).length();
    keyBytes /= keys;
    bench.extra("average key length", String.format(Locale.ROOT, "%.2f bytes", keyBytes));

    Map<String, Server> restarted = new LinkedHashMap<>();
    for (var party : jars.entrySet()) {
      String who = party.getKey();
      Path jar = party.getValue();
      Path dir = bench.temp().resolve("data").resolve("keydir-" + who);
      List<String> flags = List.of("--fsync", "never", "--no-auto-compact", "--cache-bytes", "0");
      Pxkv.TimedStart first = bench.pxkv().nodeIn("keydir-" + who, "keydir-node", dir, flags, jar);
      String url = first.server().url();
      long empty = liveHeapBytes(bench, first.server());
      load(bench, url, keys);
      bench.http().get(url + "/kv?prefix=bench-&limit=1"); // the sorted keys built
      long loaded = liveHeapBytes(bench, first.server());
      double perKey = (loaded - empty) / (double) keys - keyBytes;
      bench.extra(
          who + ": live heap empty / loaded (bytes)",
          empty + " / " + loaded + " (" + keys + " keys)");
      bench.extra(
          who + ": heap per key beyond the key's bytes",
          String.format(Locale.ROOT, "%.1f bytes", perKey));
      bench.metric(metric(who, "heap_per_key"), perKey, "B");
      bench.http().postJson(url + "/admin/compact", new byte[0], null, Duration.ofMinutes(10));
      bench.stop(first.server().process());

      List<String> serving =
          List.of(
              "--fsync",
              "never",
              "--no-auto-compact",
              "--cache-bytes",
              Long.toString(bench.settings().cacheBytes()));
      Pxkv.TimedStart again =
          bench.pxkv().nodeIn("keydir-" + who + "-restarted", "keydir-node", dir, serving, jar);
      bench.extra(
          who + ": restart with hints, to `/health` 200 (to `listening on port`)",
          Bench.millisAsSeconds(again.healthMillis())
              + " s ("
              + Bench.millisAsSeconds(again.logLineMillis())
              + " s)");
      bench.metric(metric(who, "restart"), again.healthMillis() / 1000.0, "s");
      long count = bench.http().getJson(again.server().url() + "/admin/stats").getLong("keys", -1L);
      if (count != keys) {
        throw new BenchException(who + " holds " + count + " keys after its restart, not " + keys);
      }
      restarted.put(who, again.server());
    }

    Load load = bench.load().withKeys(keys);
    bench
        .sideBySide(load)
        .party(BEFORE, restarted.get(BEFORE)::call)
        .party(NOW, restarted.get(NOW)::call)
        .measure(List.of("GET"), bench.param(ROUNDS));
    for (Server s : restarted.values()) bench.stop(s.process());
  }

  private static void load(Bench bench, String url, int keys) {
    int chunk = bench.param(CHUNK);
    for (int from = 0; from < keys; from += chunk) {
      List<String> lines = new ArrayList<>();
      for (int i = from; i < Math.min(keys, from + chunk); i++) {
        lines.add(
            String.format(Locale.ROOT, "{\"key\":\"bench-%d\",\"value\":\"value-%030d\"}", i, i));
      }
      bench.importLines(url, lines);
    }
  }

  /** Bytes of live objects in the server's JVM, after the full collection the histogram runs. */
  private static long liveHeapBytes(Bench bench, Server server) {
    String pid = Long.toString(server.process().pid());
    String out = Commands.output(List.of("jcmd", pid, "GC.class_histogram"));
    Matcher m = out == null ? null : HISTOGRAM_TOTAL.matcher(out);
    if (m == null || !m.find()) {
      throw new BenchException(
          "jcmd " + pid + " GC.class_histogram gave no Total line: " + shorten(out));
    }
    return Long.parseLong(m.group(1));
  }

  private static String shorten(String s) {
    return s == null ? "(did not run)" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
