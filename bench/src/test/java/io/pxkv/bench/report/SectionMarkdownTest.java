package io.pxkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SectionMarkdownTest {
  @Test
  void aSectionWithRunsIsWrittenAsBefore() throws Exception {
    Golden.assertMatches("section-ran.md", SectionMarkdown.render(Samples.bareServer()));
  }

  @Test
  void aSectionWithExtrasMetricsAndAGoalIsWrittenAsBefore() throws Exception {
    Golden.assertMatches("section-extras.md", SectionMarkdown.render(Samples.restart()));
  }

  @Test
  void aSkippedSectionSaysWhatIsMissingAndHowToGetIt() throws Exception {
    Golden.assertMatches("section-skipped.md", SectionMarkdown.render(Samples.skippedWebdis()));
  }

  @Test
  void aFailedSectionSaysWhyAndKeepsTheRunsBeforeTheFailure() throws Exception {
    Golden.assertMatches("section-failed.md", SectionMarkdown.render(Samples.failedRebalance()));
  }

  @Test
  void aQuickRunSaysItIsNotEvidence() {
    RunInfo i = Samples.INFO;
    RunInfo quick =
        new RunInfo(
            i.date(), i.commit(), true, i.settings(), i.loadStart(), i.loadEnd(), i.results());
    String line = SectionMarkdown.infoLine(quick);
    assertTrue(
        line.startsWith("_Quick run (short runs, small key counts: a smoke test, not evidence)."),
        line);
  }

  @Test
  void theDataStoredInTheSectionReadsBackAsWritten() {
    for (SectionData d :
        List.of(
            Samples.bareServer(),
            Samples.restart(),
            Samples.sideBySide(),
            Samples.failedRebalance())) {
      SectionData back = SectionMarkdown.data(SectionMarkdown.render(d));
      // The description is the section's text, not stored twice.
      assertEquals(withoutDescription(d), back);
    }
  }

  @Test
  void theDataCommentNeverHoldsADoubleDashSoItCannotEndEarly() {
    String text = SectionMarkdown.render(Samples.restart());
    String comment =
        text.lines().filter(l -> l.startsWith("<!-- bench-data ")).findFirst().orElseThrow();
    String inside = comment.substring("<!--".length(), comment.length() - "-->".length());
    assertFalse(inside.contains("--"), inside);
    assertEquals(
        "A node loaded with 1000000 keys -- stopped and restarted.",
        Samples.restart().description());
    assertTrue(SectionMarkdown.data(text).extras().get(1).value().contains("segmentsIn"));
  }

  @Test
  void aNumberARunDidNotProduceIsShownAsNaAndStoredAsNull() {
    Run noRate = new Run("GET", Double.NaN, Double.NaN, Double.NaN, 0, -1, 0, Double.NaN, false);
    SectionData d =
        new SectionData(
            "x",
            "X",
            null,
            SectionData.Status.RAN,
            null,
            null,
            List.of(noRate),
            List.of(),
            Map.of(),
            List.of());
    String text = SectionMarkdown.render(d);
    assertTrue(text.contains("| GET | NA | NA | NA | 0 | NA | NA | 0% |"), text);
    assertTrue(text.contains("\"rps\":null"), text);
    assertTrue(Double.isNaN(SectionMarkdown.data(text).runs().get(0).rps()));
  }

  @Test
  void aSectionAnotherToolWroteHasNoData() {
    assertNull(
        SectionMarkdown.data(
            "<!-- section:container-image -->\n### Image\n<!-- /section:container-image -->\n"));
  }

  @Test
  void aPipeInACellIsEscaped() {
    assertEquals("a \\| b", SectionMarkdown.cell("a | b"));
  }

  private static SectionData withoutDescription(SectionData d) {
    return new SectionData(
        d.name(),
        d.title(),
        null,
        d.status(),
        d.reason(),
        d.info(),
        d.runs(),
        d.extras(),
        d.metrics(),
        d.goals());
  }
}
