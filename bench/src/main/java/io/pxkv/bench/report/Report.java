package io.pxkv.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole report file: a header rebuilt on every run (notes, machine, method, the goals table
 * built from every section present) followed by the sections, each kept or replaced by {@link
 * ReportSections#merge}, and how to reproduce. Text outside the sections is always rewritten.
 */
public final class Report {
  private Report() {}

  /**
   * What the header says.
   *
   * @param notes paragraphs put at the top as quotes (a run's {@code --note})
   * @param machine the facts of the latest run
   * @param method one bullet each, Markdown
   * @param disturbedPercent other load above which a verdict is marked {@code (disturbed)}
   */
  public record Head(
      List<String> notes, MachineFacts machine, List<String> method, double disturbedPercent) {}

  /** The report: {@code head}, then {@code sections} in their order. */
  public static String render(Head head, List<ReportSections.Section> sections) {
    List<SectionData> data = new ArrayList<>();
    for (ReportSections.Section s : sections) {
      SectionData d = s.data();
      if (d != null) {
        data.add(d);
      }
    }
    StringBuilder out = new StringBuilder("# Benchmarks\n\n");
    out.append(
        "Written by `bench/run`, the harness in `bench/` ([how it measures](../bench/README.md))."
            + " Each scenario's section says when it was measured: a run of some scenarios rewrites"
            + " only their sections, and this header (machine, method, goals) is rebuilt from every"
            + " section present.\n");
    for (String note : head.notes()) {
      out.append("\n> **Note:** ").append(note).append('\n');
    }
    long quick = data.stream().filter(d -> d.info() != null && d.info().quick()).count();
    if (quick > 0) {
      out.append("\n> **Quick run:** ")
          .append(quick)
          .append(" of the sections below come from `--quick` runs (short runs, small key counts):")
          .append(" smoke tests of the harness, not evidence. Measure again without `--quick`.\n");
    }
    int runs = 0;
    int disturbed = 0;
    for (SectionData d : data) {
      for (Run r : d.runs()) {
        if (!r.median()) {
          runs++;
          if (r.otherLoadPercent() > head.disturbedPercent()) {
            disturbed++;
          }
        }
      }
    }
    if (disturbed > 0) {
      out.append("\n> **Preliminary:** in ")
          .append(disturbed)
          .append(" of ")
          .append(runs)
          .append(" measured runs, processes outside this benchmark used more than ")
          .append(Formats.limit(head.disturbedPercent(), false))
          .append("% of the machine (column `other load`), so these ratios are not yet evidence")
          .append(" either way. Measure again on a quiet machine.\n");
    }
    out.append(
        "\n## Machine\n\nThe latest run's machine; each section names its own date and commit.\n\n");
    out.append(head.machine().table());
    out.append("\n## Method\n\n");
    for (String line : head.method()) {
      out.append("- ").append(line).append('\n');
    }
    out.append("\n## Goals\n\n");
    out.append(GoalTable.render(data, head.disturbedPercent()));
    out.append("\n## Scenarios\n");
    for (ReportSections.Section s : sections) {
      out.append('\n').append(s.text());
    }
    out.append("\n## How to reproduce\n\n");
    out.append(
        """
        ```
        bench/run                       # every scenario, 15 to 25 minutes
        bench/run router_side_by_side   # one scenario: only its section is rewritten
        bench/run --list                # the scenarios, their tools and settings
        ```

        It builds the px-kvstore and bench jars if they are missing or older than the sources, and \
        installs nothing: a scenario whose tools are missing is skipped, and its section says what \
        to install. Run it on a quiet machine (check `uptime`): other work on the same cores skews \
        the ratios. `bench/README.md` explains each scenario and setting.
        """);
    return out.toString();
  }
}
