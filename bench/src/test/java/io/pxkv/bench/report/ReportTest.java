package io.pxkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.bench.report.ReportSections.Section;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  static final Section IMAGE =
      new Section(
          "container-image",
          "<!-- section:container-image -->\n### Container image (`container-image`)\n\n"
              + "| image | size |\n|---|---:|\n| px-kvstore | 182 MB |\n"
              + "<!-- /section:container-image -->\n");

  static Report.Head head(List<String> notes) {
    return new Report.Head(
        notes,
        Samples.machine(),
        List.of("One `wrk -t2 -c64 -d10s --latency` per call.", "Everything on loopback."),
        10);
  }

  static Section section(SectionData d) {
    return new Section(d.name(), SectionMarkdown.render(d));
  }

  @Test
  void theMachineTableIsWrittenAsBefore() throws Exception {
    Golden.assertMatches("machine.md", Samples.machine().table());
  }

  @Test
  void theWholeReportIsWrittenAsBefore() throws Exception {
    List<Section> sections =
        List.of(
            section(Samples.bareServer()),
            section(Samples.node()),
            section(Samples.sideBySide()),
            section(Samples.restart()),
            section(Samples.skippedWebdis()),
            IMAGE);
    Golden.assertMatches(
        "report.md", Report.render(head(List.of("Numbers for review.")), sections));
  }

  @Test
  void rerunningOneScenarioRewritesOnlyItsSectionAndRebuildsTheGoals() {
    List<Section> first =
        List.of(
            section(Samples.bareServer()),
            IMAGE,
            section(Samples.node()),
            section(Samples.restart()));
    String before = Report.render(head(List.of()), first);

    SectionData slowerBare =
        new SectionData(
            "bare_server",
            "Bare Vert.x server",
            "Measured again.",
            SectionData.Status.RAN,
            null,
            Samples.INFO,
            List.of(Samples.run("GET", 150000, 5, 0, 1500000, 1, 9)),
            List.of(),
            java.util.Map.of(),
            List.of());
    List<Section> merged =
        ReportSections.merge(
            ReportSections.parse(before),
            List.of(section(slowerBare)),
            List.of("bare_server", "node_cache_on", "restart_time"));
    String after = Report.render(head(List.of()), merged);

    for (Section kept : List.of(IMAGE, section(Samples.node()), section(Samples.restart()))) {
      assertTrue(after.contains(kept.text()), "kept byte for byte: " + kept.name());
    }
    assertTrue(after.contains(section(slowerBare).text()));
    List<String> names = new ArrayList<>();
    ReportSections.parse(after).forEach(s -> names.add(s.name()));
    assertEquals(List.of("bare_server", "container-image", "node_cache_on", "restart_time"), names);
    // The node's goal, from the section kept, now divides by the new bare server number.
    assertTrue(
        after.contains(
            "| Node GET (cache on) / bare server GET | 98865 | 150000 | 0.66x | >= 0.8x | MISS | 1% |"),
        after);
    assertTrue(after.contains("| Node restart with hints, 1000000 keys (s to /health) | 1.71 s |"));
  }

  @Test
  void disturbedRunsMakeThePreliminaryNoteAndMedianCopiesAreNotCountedTwice() {
    String doc = Report.render(head(List.of()), List.of(section(Samples.sideBySide())));
    // 6 turns, one of them at 14% other load; the two median rows repeat runs.
    assertTrue(doc.contains("> **Preliminary:** in 1 of 6 measured runs"), doc);
  }

  @Test
  void quickSectionsAreFlaggedAtTheTop() {
    SectionData d = Samples.bareServer();
    RunInfo i = d.info();
    SectionData quick =
        new SectionData(
            d.name(),
            d.title(),
            d.description(),
            d.status(),
            null,
            new RunInfo(
                i.date(), i.commit(), true, i.settings(), i.loadStart(), i.loadEnd(), i.results()),
            d.runs(),
            d.extras(),
            d.metrics(),
            d.goals());
    String doc = Report.render(head(List.of()), List.of(section(quick), section(Samples.node())));
    assertTrue(
        doc.contains("> **Quick run:** 1 of the sections below come from `--quick` runs"), doc);
  }
}
