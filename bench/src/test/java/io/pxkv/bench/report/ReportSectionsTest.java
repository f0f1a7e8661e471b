package io.pxkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.bench.report.ReportSections.Section;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSectionsTest {
  static final List<String> ORDER = List.of("a", "b", "c", "d");

  static Section s(String name, String body) {
    return new Section(
        name,
        SectionMarkdown.startMarker(name)
            + "\n"
            + body
            + "\n"
            + SectionMarkdown.endMarker(name)
            + "\n");
  }

  static List<String> names(List<Section> sections) {
    return sections.stream().map(Section::name).toList();
  }

  @Test
  void sectionsAreReadWithTheirMarkersAndTextOutsideThemIsNot() {
    String doc =
        "# Head\n\ntext\n\n"
            + s("a", "### A\n\nnumbers").text()
            + "\nbetween\n\n"
            + s("container-image", "### Image\n\n| size | 180 MB |").text()
            + "\n## Tail\n";
    List<Section> sections = ReportSections.parse(doc);
    assertEquals(
        List.of(s("a", "### A\n\nnumbers"), s("container-image", "### Image\n\n| size | 180 MB |")),
        sections);
  }

  @Test
  void aSectionWithoutItsEndMarkerIsAnError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ReportSections.parse(SectionMarkdown.startMarker("a") + "\n### A\n"));
  }

  @Test
  void aFreshSectionReplacesTheOneOfItsNameAndTheOthersStayAsTheyWere() {
    List<Section> existing =
        List.of(s("a", "old a"), s("container-image", "theirs"), s("c", "old c"));
    List<Section> merged = ReportSections.merge(existing, List.of(s("c", "new c")), ORDER);
    assertEquals(List.of(s("a", "old a"), s("container-image", "theirs"), s("c", "new c")), merged);
  }

  @Test
  void aNewSectionGoesBeforeTheFirstSectionThatComesAfterItInTheCatalog() {
    List<Section> existing = List.of(s("a", "a"), s("c", "c"));
    assertEquals(
        List.of("a", "b", "c"), names(ReportSections.merge(existing, List.of(s("b", "b")), ORDER)));
  }

  @Test
  void aNewSectionLastInTheCatalogGoesAfterTheLastKnownOneNotAfterOtherToolsSections() {
    List<Section> existing = List.of(s("a", "a"), s("container-image", "theirs"));
    assertEquals(
        List.of("a", "d", "container-image"),
        names(ReportSections.merge(existing, List.of(s("d", "d")), ORDER)));
  }

  @Test
  void otherToolsSectionsKeepTheirPlaceWhenNewSectionsArrive() {
    List<Section> existing = List.of(s("a", "a"), s("container-image", "theirs"), s("d", "d"));
    assertEquals(
        List.of("a", "container-image", "b", "c", "d"),
        names(ReportSections.merge(existing, List.of(s("c", "c"), s("b", "b")), ORDER)));
  }

  @Test
  void intoAnEmptyReportSectionsGoInCatalogOrderWhateverOrderTheyRanIn() {
    assertEquals(
        List.of("a", "c"),
        names(ReportSections.merge(List.of(), List.of(s("c", "c"), s("a", "a")), ORDER)));
  }

  @Test
  void aReportWrittenBeforeMarkersIsReadOneSectionPerScenarioHeading() throws Exception {
    List<Section> sections = ReportSections.parse(Golden.read("legacy-report.md"));
    assertEquals(List.of("bare_server", "restart_time"), names(sections));
    assertEquals(
        SectionMarkdown.startMarker("bare_server")
            + "\n### Bare Vert.x server (`bare_server`)\n\nThe ceiling.\n\n| call | req/s |\n|---|---:|\n| GET | 105696 |\n"
            + SectionMarkdown.endMarker("bare_server")
            + "\n",
        sections.get(0).text());
    assertNull(sections.get(0).data());
  }

  @Test
  void anEmptyReportHasNoSections() {
    assertEquals(List.of(), ReportSections.parse(""));
    assertEquals(List.of(), ReportSections.parse("# Benchmarks\n\nnothing yet\n"));
  }
}
