package io.pxkv.bench.harness;

import io.pxkv.bench.measure.ProcFs;
import io.pxkv.bench.report.Report;
import io.pxkv.bench.report.ReportSections;
import io.pxkv.bench.report.ReportSections.Section;
import io.pxkv.bench.report.Run;
import io.pxkv.bench.report.RunInfo;
import io.pxkv.bench.report.SectionData;
import io.pxkv.bench.report.SectionData.Status;
import io.pxkv.bench.report.SectionMarkdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs scenarios one after the other and keeps the report up to date. Each scenario gets its own
 * temp folder and its own processes, stopped when it ends; one that fails is marked failed and the
 * others still run. After each scenario the report is rewritten: that scenario's section replaced
 * (or added), every other section kept as it is, the header rebuilt. A skipped scenario (something
 * it needs is missing) did not run, so an existing section of it is kept; only a report without one
 * gets its "skipped" section. Raw outputs and logs go to {@code bench/results/<UTC time>/}.
 */
public final class Runner {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final Settings settings;
  private final List<Scenario> catalog;
  private final Ports ports = new Ports();
  private volatile Bench current;

  /**
   * @param catalog every scenario, in report order (for new sections' place and machine tools)
   */
  public Runner(Settings settings, List<Scenario> catalog) {
    this.settings = settings;
    this.catalog = List.copyOf(catalog);
  }

  /** Runs {@code selected}; returns the exit code: 0, or 1 if a scenario failed. */
  public int run(List<Scenario> selected) throws IOException {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    Path results = settings.root().resolve("bench").resolve("results").resolve(stamp);
    Files.createDirectories(results);
    Path report = reportPath(results);
    Path tempRoot = Files.createTempDirectory("pxkv-bench-");
    String loadStart = ProcFs.loadAverage();
    String commit = MachineProbe.commit(settings.root());
    machineAtStart(results, loadStart);
    Thread cleanup =
        new Thread(
            () -> {
              Bench b = current;
              if (b != null) {
                b.close();
              }
              deleteTree(tempRoot);
            },
            "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Log.info("results in " + results + " (load average " + loadStart + "), report " + report);

    List<Section> fresh = new ArrayList<>();
    List<SectionData> done = new ArrayList<>();
    boolean failed = false;
    for (Scenario s : selected) {
      SectionData d = runOne(s, results, tempRoot, commit);
      done.add(d);
      failed |= d.status() == Status.FAILED;
      fresh.add(new Section(s.name(), SectionMarkdown.render(d)));
      writeReport(report, fresh, loadStart);
    }
    deleteTree(tempRoot);
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
    summary(done, report);
    return failed ? 1 : 0;
  }

  SectionData runOne(Scenario s, Path results, Path tempRoot, String commit) {
    Log.info("=== scenario " + s.name());
    String date = MachineProbe.now();
    String loadStart = ProcFs.loadAverage();
    String skip = Requirement.skipReason(s.requirements(), settings);
    if (skip != null) {
      Log.info("skipping " + s.name() + ": " + skip);
      return new SectionData(
          s.name(),
          s.title(),
          s.describe(settings),
          Status.SKIPPED,
          skip,
          info(date, commit, loadStart, results),
          List.of(),
          List.of(),
          Map.of(),
          s.goals(settings));
    }
    Path temp;
    try {
      temp = Files.createDirectories(tempRoot.resolve(s.name()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Bench bench = new Bench(settings, s.name(), results, temp, ports);
    current = bench;
    Status status = Status.RAN;
    String reason = null;
    try {
      s.run(bench);
    } catch (Exception e) {
      status = Status.FAILED;
      reason = failure(e) + " (logs in `" + relative(results) + "/`)";
      Log.info("scenario " + s.name() + " failed: " + failure(e));
      if (!(e instanceof BenchException)) {
        e.printStackTrace();
      }
    } finally {
      bench.close();
      current = null;
      deleteTree(temp);
    }
    return section(s, status, reason, info(date, commit, loadStart, results), bench);
  }

  private SectionData section(Scenario s, Status status, String reason, RunInfo info, Bench bench) {
    return new SectionData(
        s.name(),
        s.title(),
        s.describe(settings),
        status,
        reason,
        info,
        bench.runs(),
        bench.extras(),
        bench.metrics(),
        s.goals(settings));
  }

  private RunInfo info(String date, String commit, String loadStart, Path results) {
    Load l = settings.load();
    var w = settings.warmUp();
    String how =
        "`wrk "
            + l.flags()
            + "`, warm-up "
            + w.windowSeconds()
            + " s windows for "
            + w.minSeconds()
            + "-"
            + w.maxSeconds()
            + " s";
    return new RunInfo(
        date,
        commit,
        settings.quick(),
        how,
        loadStart,
        ProcFs.loadAverage(),
        relative(results) + "/");
  }

  /** Rewrites the report: fresh sections in, the others kept, the header rebuilt. */
  void writeReport(Path report, List<Section> fresh, String loadStart) throws IOException {
    String existing = Files.isRegularFile(report) ? Files.readString(report) : "";
    List<Section> sections = ReportSections.parse(existing);
    List<Section> toMerge = new ArrayList<>();
    for (Section f : fresh) {
      boolean skipped = f.data() != null && f.data().status() == Status.SKIPPED;
      boolean present = sections.stream().anyMatch(x -> x.name().equals(f.name()));
      if (skipped && present) {
        Log.info("kept the report's earlier section of " + f.name() + ": it was skipped this time");
        continue;
      }
      toMerge.add(f);
    }
    List<String> order = catalog.stream().map(Scenario::name).toList();
    List<Section> merged = ReportSections.merge(sections, toMerge, order);
    List<String> notes =
        settings.note() == null || settings.note().isBlank() ? List.of() : List.of(settings.note());
    Report.Head head =
        new Report.Head(
            notes,
            MachineProbe.probe(settings, tools(), loadStart),
            MethodText.lines(settings),
            settings.disturbedPercent());
    Files.createDirectories(report.toAbsolutePath().getParent());
    Path tmp = report.resolveSibling(report.getFileName() + ".tmp");
    Files.writeString(tmp, Report.render(head, merged));
    Files.move(tmp, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Log.info("report written to " + report);
  }

  /** Every tool some scenario of the catalog needs, for the machine table. */
  List<Tool> tools() {
    Set<Tool> tools = new LinkedHashSet<>();
    for (Scenario s : catalog) {
      for (Requirement r : s.requirements()) {
        if (r instanceof Tool t) {
          tools.add(t);
        }
      }
    }
    return List.copyOf(tools);
  }

  private Path reportPath(Path results) {
    if (settings.report() != null) {
      return settings.report();
    }
    // A smoke run must never overwrite the committed report.
    return settings.quick()
        ? results.resolve("BENCHMARKS.md")
        : settings.root().resolve("docs").resolve("BENCHMARKS.md");
  }

  private String relative(Path p) {
    return settings.root().relativize(p).toString();
  }

  private static String failure(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  private void machineAtStart(Path results, String loadStart) throws IOException {
    String ps = Commands.output(List.of("ps", "aux", "--sort=-%cpu"));
    StringBuilder out = new StringBuilder("load average: " + loadStart + "\n");
    if (ps != null) {
      ps.lines().limit(8).forEach(l -> out.append(l).append('\n'));
    }
    Files.writeString(results.resolve("machine-at-start.txt"), out);
  }

  private static void summary(List<SectionData> done, Path report) {
    for (SectionData d : done) {
      if (d.status() != Status.RAN) {
        Log.info(d.name() + ": " + d.status().name().toLowerCase(Locale.ROOT) + ": " + d.reason());
      }
      for (Run r : d.runs()) {
        System.err.println(
            String.format(
                Locale.ROOT,
                "  %-22s %-40s %9.0f req/s  p99 %8.2f ms  %d errors  other load %.0f%%",
                d.name(),
                r.op(),
                r.rps(),
                r.p99Ms(),
                r.errors(),
                r.otherLoadPercent()));
      }
    }
    Log.info("report: " + report);
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      Log.info("could not delete " + root + ": " + e.getMessage());
    }
  }
}
