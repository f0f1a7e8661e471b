package io.pxkv.bench;

import io.pxkv.bench.harness.CommandLine;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Runner;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Settings;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code java -jar bench/target/bench.jar [options] [SCENARIO...]}, usually through {@code
 * bench/run}: runs scenarios and rewrites their sections of the report. Exit codes: 0 done, 1 a
 * scenario failed, 2 bad command line.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.getenv("PATH")));
  }

  static int run(String[] args, PrintStream out, String path) throws Exception {
    Path jar = runningJar();
    CommandLine cl;
    List<Scenario> selected;
    try {
      cl = CommandLine.parse(args, defaultRoot(jar), jar, path);
      selected = select(Catalog.all(), cl.scenarios());
      checkOverrides(Catalog.all(), cl.settings().overrides());
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    if (cl.help()) {
      out.print(CommandLine.USAGE);
      return 0;
    }
    if (cl.list()) {
      out.print(list(Catalog.all(), cl.settings()));
      return 0;
    }
    if (cl.settings().benchJar() == null) {
      System.err.println("bench: run from bench.jar (bench/run), or give --bench-jar");
      return 2;
    }
    return new Runner(cl.settings(), Catalog.all()).run(selected);
  }

  /** The scenarios named, in the order named; all when none is. */
  static List<Scenario> select(List<Scenario> catalog, List<String> names) {
    if (names.isEmpty()) {
      return catalog;
    }
    List<Scenario> selected = new ArrayList<>();
    for (String n : names) {
      Scenario s = catalog.stream().filter(c -> c.name().equals(n)).findFirst().orElse(null);
      if (s == null) {
        throw new IllegalArgumentException(
            "unknown scenario "
                + n
                + " (known: "
                + catalog.stream().map(Scenario::name).collect(Collectors.joining(", "))
                + ")");
      }
      selected.add(s);
    }
    return selected;
  }

  /** Every {@code --set} names a scenario and one of its params, with a value that parses. */
  static void checkOverrides(List<Scenario> catalog, Map<String, String> overrides) {
    for (var e : overrides.entrySet()) {
      String key = e.getKey();
      int dot = key.indexOf('.');
      String scenario = key.substring(0, dot);
      String param = key.substring(dot + 1);
      Scenario s = select(catalog, List.of(scenario)).get(0);
      Param<?> p =
          s.params().stream()
              .filter(x -> x.name().equals(param))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          scenario
                              + " has no param "
                              + param
                              + " (it has: "
                              + s.params().stream()
                                  .map(Param::name)
                                  .collect(Collectors.joining(", "))
                              + ")"));
      p.parse(e.getValue());
    }
  }

  /** {@code --list}: each scenario, what it needs (and whether it is there), its params. */
  static String list(List<Scenario> catalog, Settings settings) {
    StringBuilder out = new StringBuilder();
    for (Scenario s : catalog) {
      out.append(s.name()).append(": ").append(s.title()).append('\n');
      out.append("  needs: ")
          .append(
              s.requirements().stream().map(Requirement::name).collect(Collectors.joining(", ")));
      String missing = Requirement.skipReason(s.requirements(), settings);
      out.append(missing == null ? " (all there)" : " -- " + missing).append('\n');
      for (Param<?> p : s.params()) {
        out.append("  --set ")
            .append(s.name())
            .append('.')
            .append(p.name())
            .append('=')
            .append(settings.param(s.name(), p))
            .append("  ")
            .append(p.description())
            .append(" (full ")
            .append(p.normal())
            .append(", quick ")
            .append(p.quick())
            .append(")\n");
      }
    }
    return out.toString();
  }

  /** The jar this runs from, or null (run from a classes folder, as in tests). */
  static Path runningJar() throws URISyntaxException {
    Path p = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return Files.isRegularFile(p) ? p : null;
  }

  /** {@code ROOT/bench/target/bench.jar} (or {@code ROOT/bench/target/classes}): ROOT. */
  static Path defaultRoot(Path jar) throws URISyntaxException {
    Path p =
        jar != null
            ? jar
            : Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root = p.getParent() == null ? null : p.getParent().getParent();
    root = root == null ? null : root.getParent();
    if (root != null && Files.isDirectory(root.resolve("bench").resolve("wrk"))) {
      return root;
    }
    return Path.of("").toAbsolutePath();
  }
}
