package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.ReportSections;
import io.pxkv.bench.report.SectionData;
import io.pxkv.bench.report.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner end to end with small scenarios that need nothing outside this JVM but {@code sleep}:
 * what lands in the report file for a scenario that ran, failed or was skipped, and that every
 * process is stopped.
 */
class RunnerTest {
  @TempDir Path root;

  static final AtomicReference<ManagedProcess> STARTED = new AtomicReference<>();

  static final class Recording extends Scenario {
    Recording() {
      super("recording", "Records numbers");
    }

    @Override
    public List<Requirement> requirements() {
      return List.of();
    }

    @Override
    public String describe(Settings s) {
      return "Starts a process and records a metric.";
    }

    @Override
    public List<Goal> goals(Settings s) {
      return List.of(
          Goal.value("quick enough", Ref.metric("recording", "took"), Target.below(3, "s")));
    }

    @Override
    public void run(Bench bench) {
      STARTED.set(bench.start("sleeper", List.of("sleep", "60")));
      bench.extra("a fact", "42");
      bench.metric("took", 1.5, "s");
    }
  }

  static final class Failing extends Scenario {
    Failing() {
      super("failing", "Fails halfway");
    }

    @Override
    public List<Requirement> requirements() {
      return List.of();
    }

    @Override
    public String describe(Settings s) {
      return "Fails.";
    }

    @Override
    public void run(Bench bench) {
      bench.extra("before the failure", "kept");
      throw new BenchException("the server did not come up");
    }
  }

  static final class NeedsWrk extends Scenario {
    final String name;

    NeedsWrk(String name) {
      super(name, "Needs wrk");
      this.name = name;
    }

    @Override
    public List<Requirement> requirements() {
      return List.of(Tool.WRK);
    }

    @Override
    public String describe(Settings s) {
      return "Needs wrk.";
    }

    @Override
    public void run(Bench bench) {
      throw new AssertionError("must not run without wrk");
    }
  }

  @Test
  void sectionsOfScenariosThatRanFailedOrWereSkippedLandInTheReportAndTheRestIsKept()
      throws Exception {
    Path report = root.resolve("docs/BENCHMARKS.md");
    Files.createDirectories(report.getParent());
    String image =
        "<!-- section:container-image -->\n### Image\n\n| size | 182 MB |\n<!-- /section:container-image -->\n";
    String oldWrk =
        "<!-- section:old_wrk -->\n### Measured before (`old_wrk`)\n\nold numbers\n<!-- /section:old_wrk -->\n";
    Files.writeString(report, "# Benchmarks\n\n## Scenarios\n\n" + oldWrk + "\n" + image);

    Settings settings =
        CommandLine.parse(
                new String[] {"--report", report.toString()},
                root,
                null,
                root.resolve("no-bin").toString())
            .settings();
    List<Scenario> catalog =
        List.of(new NeedsWrk("old_wrk"), new Recording(), new Failing(), new NeedsWrk("new_wrk"));
    int code = new Runner(settings, catalog).run(catalog);

    assertEquals(1, code, "a failed scenario makes the exit code 1");
    assertFalse(STARTED.get().alive(), "processes are stopped when their scenario ends");
    String text = Files.readString(report);
    List<ReportSections.Section> sections = ReportSections.parse(text);
    assertEquals(
        List.of("old_wrk", "recording", "failing", "new_wrk", "container-image"),
        sections.stream().map(ReportSections.Section::name).toList());
    assertTrue(text.contains(oldWrk), "a skipped scenario's earlier section is kept");
    assertTrue(text.contains(image), "another tool's section is kept byte for byte");

    SectionData recording = sections.get(1).data();
    assertEquals(SectionData.Status.RAN, recording.status());
    assertEquals("42", recording.extras().get(0).value());
    assertTrue(text.contains("| quick enough | 1.50 s | - | - | < 3 s | PASS | - |"), text);

    SectionData failing = sections.get(2).data();
    assertEquals(SectionData.Status.FAILED, failing.status());
    assertTrue(
        failing.reason().startsWith("the server did not come up (logs in `bench/results/"),
        failing.reason());
    assertEquals("kept", failing.extras().get(0).value());

    SectionData skipped = sections.get(3).data();
    assertEquals(SectionData.Status.SKIPPED, skipped.status());
    assertTrue(text.contains("Skipped on "), text);
    assertTrue(text.contains(": missing wrk (`apt-get install -y wrk`)"), text);

    assertTrue(text.contains("| wrk | not installed |"), "the machine table names the tools");
    Path results = Files.list(root.resolve("bench/results")).findFirst().orElseThrow();
    assertNotNull(results);
    assertTrue(Files.exists(results.resolve("sleeper.log")));
    assertTrue(Files.exists(results.resolve("machine-at-start.txt")));
  }

  @Test
  void aQuickRunWritesItsReportBesideItsResultsNotIntoDocs() throws Exception {
    Settings settings =
        CommandLine.parse(new String[] {"--quick"}, root, null, root.resolve("no-bin").toString())
            .settings();
    List<Scenario> catalog = List.of(new Recording());
    assertEquals(0, new Runner(settings, catalog).run(catalog));
    assertFalse(Files.exists(root.resolve("docs/BENCHMARKS.md")));
    Path results = Files.list(root.resolve("bench/results")).findFirst().orElseThrow();
    String text = Files.readString(results.resolve("BENCHMARKS.md"));
    assertTrue(text.contains("> **Quick run:**"), text);
  }
}
