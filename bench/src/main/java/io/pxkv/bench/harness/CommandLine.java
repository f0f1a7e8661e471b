package io.pxkv.bench.harness;

import io.pxkv.bench.measure.WarmUpRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run [options] [SCENARIO...]}: which scenarios, and the settings. Flags may come in
 * any order; {@code --quick} changes the defaults, and a flag given explicitly beats them.
 *
 * @param settings everything the run is told
 * @param scenarios the names given (empty: all)
 * @param list {@code --list}: print the scenarios and stop
 * @param help {@code --help}: print {@link #USAGE} and stop
 */
public record CommandLine(Settings settings, List<String> scenarios, boolean list, boolean help) {

  public static final String USAGE =
      """
      Usage: bench/run [options] [SCENARIO...]

      Runs the named scenarios (all, in report order, when none is named) and rewrites their
      sections of docs/BENCHMARKS.md, keeping every other section.

        --list                       the scenarios, what each needs and its params
        --quick                      a smoke test: 2 s runs, 1 s warm-up windows (2-6 s), 1000 keys,
                                     small scenario sizes; the report goes to bench/results/<time>/
                                     unless --report is given
        --scenario NAME              run NAME (the same as naming it; repeatable)
        --report FILE                the report to update (default docs/BENCHMARKS.md)
        --seconds N                  measured run length (10)
        --threads N                  wrk threads (2)
        --connections N              wrk connections (64)
        --keys N                     keys preloaded and addressed (10000)
        --warmup-window N            warm-up window length, seconds (3)
        --warmup-min N               warm-up at least, seconds (12)
        --warmup-max N               warm-up at most, seconds (90)
        --cache-bytes N              node value cache of the cache-on nodes (67108864)
        --node-flags "FLAGS"         flags for every node unless a scenario sets its own
                                     ("--fsync never")
        --java-opts "OPTIONS"        JVM options for every JVM under test (none)
        --start-timeout N            seconds a server gets to answer its readiness probe (60)
        --stop-timeout N             seconds a stopped server gets before SIGKILL (60)
        --disturbed-percent N        other load that marks a verdict (disturbed) (10)
        --note TEXT                  a paragraph at the top of the report
        --set SCENARIO.PARAM=VALUE   a scenario's param (see --list), e.g. restart_time.keys=200000
        --root DIR                   the repository (default: found from the bench jar)
        --pxkv-jar FILE              the px-kvstore jar (default launcher/target/px-kvstore.jar)
        --bench-jar FILE             this harness's jar (default: the one running)
      """;

  private static final List<String> VALUED =
      List.of(
          "--scenario",
          "--report",
          "--seconds",
          "--threads",
          "--connections",
          "--keys",
          "--warmup-window",
          "--warmup-min",
          "--warmup-max",
          "--cache-bytes",
          "--node-flags",
          "--java-opts",
          "--start-timeout",
          "--stop-timeout",
          "--disturbed-percent",
          "--note",
          "--set",
          "--root",
          "--pxkv-jar",
          "--bench-jar");

  /**
   * Parses {@code args}; {@code defaultRoot} is where the repository is unless {@code --root} says
   * otherwise, {@code benchJar} the running jar (null when not run from one), {@code path} the
   * PATH. Throws {@link IllegalArgumentException} with a one-line message on a bad flag.
   */
  public static CommandLine parse(String[] args, Path defaultRoot, Path benchJar, String path) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    List<String> scenarios = new ArrayList<>();
    boolean quick = false;
    boolean list = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--list" -> list = true;
        case "--help", "-h" -> help = true;
        default -> {
          if (!a.startsWith("-")) {
            scenarios.add(a);
          } else if (VALUED.contains(a)) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            if (a.equals("--scenario")) {
              scenarios.add(v);
            } else if (a.equals("--set")) {
              int eq = v.indexOf('=');
              if (eq < 1 || v.indexOf('.') < 1 || v.indexOf('.') > eq) {
                throw new IllegalArgumentException("--set wants SCENARIO.PARAM=VALUE, got " + v);
              }
              overrides.put(v.substring(0, eq), v.substring(eq + 1));
            } else {
              values.put(a, v);
            }
          } else {
            throw new IllegalArgumentException("unknown option " + a + " (see --help)");
          }
        }
      }
    }
    Path root = path(values, "--root", defaultRoot).toAbsolutePath().normalize();
    Path jar = path(values, "--bench-jar", benchJar);
    String target = jar == null ? "target" : jar.getParent().getFileName().toString();
    Path pxkvJar =
        path(
            values,
            "--pxkv-jar",
            root.resolve("launcher").resolve(target).resolve("px-kvstore.jar"));
    Load base = quick ? Settings.QUICK : Settings.FULL;
    WarmUpRule warm = quick ? Settings.QUICK_WARM_UP : Settings.FULL_WARM_UP;
    Load load =
        new Load(
            integer(values, "--threads", base.threads()),
            integer(values, "--connections", base.connections()),
            integer(values, "--seconds", base.seconds()),
            integer(values, "--keys", base.keys()));
    WarmUpRule warmUp =
        new WarmUpRule(
            integer(values, "--warmup-window", warm.windowSeconds()),
            integer(values, "--warmup-min", warm.minSeconds()),
            integer(values, "--warmup-max", warm.maxSeconds()));
    Settings settings =
        new Settings(
            root,
            pxkvJar.toAbsolutePath(),
            jar == null ? null : jar.toAbsolutePath(),
            values.containsKey("--report")
                ? Path.of(values.get("--report")).toAbsolutePath()
                : null,
            load,
            warmUp,
            longValue(values, "--cache-bytes", 64L << 20),
            words(values.getOrDefault("--node-flags", "--fsync never")),
            words(values.getOrDefault("--java-opts", "")),
            integer(values, "--start-timeout", 60),
            integer(values, "--stop-timeout", 60),
            Double.parseDouble(values.getOrDefault("--disturbed-percent", "10")),
            values.get("--note"),
            quick,
            overrides,
            path);
    return new CommandLine(settings, scenarios, list, help);
  }

  private static Path path(Map<String, String> values, String flag, Path fallback) {
    String v = values.get(flag);
    return v == null ? fallback : Path.of(v);
  }

  private static int integer(Map<String, String> values, String flag, int fallback) {
    String v = values.get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number >= 0, got " + v);
    }
  }

  private static long longValue(Map<String, String> values, String flag, long fallback) {
    String v = values.get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got " + v);
    }
  }

  private static List<String> words(String text) {
    String t = text.strip();
    return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
  }
}
