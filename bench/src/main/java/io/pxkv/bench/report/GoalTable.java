package io.pxkv.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The goals table at the top of the report, rebuilt from the goals of every section present. A
 * goal's numbers are looked up in whichever section holds them, so a section rerun alone is judged
 * against the others' numbers as they stand.
 *
 * <p>Verdicts: {@code PASS} or {@code MISS}; {@code INVALID (errors)} when a run it uses had errors
 * (a goal whose runs had errors is not judged); {@code not measured} when a number is missing;
 * {@code -} for a row without a target. A verdict whose runs saw more than {@code disturbedPercent}
 * of other load gets {@code (disturbed)}.
 */
public final class GoalTable {
  static final String HEADER =
      "| goal | value | baseline | ratio | target | verdict | other load |\n"
          + "|---|---:|---:|---:|---|---|---:|\n";

  private GoalTable() {}

  /** One evaluated row. NaN is a number that is not there. */
  public record Row(
      String label,
      String value,
      String baseline,
      String ratio,
      String target,
      String verdict,
      String otherLoad) {
    String markdown() {
      return "| "
          + String.join(" | ", label, value, baseline, ratio, target, verdict, otherLoad)
          + " |\n";
    }
  }

  /**
   * A number a {@link Ref} points at, as shown, with the errors and other load of its run (NaN
   * other load for a metric).
   */
  record Resolved(double number, String text, long errors, double otherLoad) {}

  /** The table for the goals of {@code sections}, in their order. */
  public static String render(List<SectionData> sections, double disturbedPercent) {
    StringBuilder out = new StringBuilder(HEADER);
    for (Row row : rows(sections, disturbedPercent)) {
      out.append(row.markdown());
    }
    return out.toString();
  }

  public static List<Row> rows(List<SectionData> sections, double disturbedPercent) {
    Map<String, SectionData> byName = new LinkedHashMap<>();
    sections.forEach(s -> byName.put(s.name(), s));
    List<Row> rows = new ArrayList<>();
    for (SectionData s : sections) {
      for (Goal g : s.goals()) {
        rows.add(evaluate(g, byName, disturbedPercent));
      }
    }
    return rows;
  }

  static Row evaluate(Goal g, Map<String, SectionData> sections, double disturbedPercent) {
    String target = g.target() == null ? "-" : g.target().text();
    Resolved value = resolve(g.value(), sections);
    Resolved base = g.base() == null ? null : resolve(g.base(), sections);
    String valueText = value == null ? "NA" : value.text();
    String baseText = g.base() == null ? "-" : base == null ? "NA" : base.text();
    boolean missing = value == null || (g.base() != null && (base == null || !(base.number() > 0)));
    if (missing) {
      return new Row(g.label(), valueText, baseText, "-", target, "not measured", "-");
    }
    double ratio = base == null ? Double.NaN : value.number() / base.number();
    // Judged on the ratio as shown (two decimals), so a row never reads 0.80x and MISS >= 0.8x.
    double shownRatio = Double.isNaN(ratio) ? ratio : Math.round(ratio * 100) / 100.0;
    double other =
        Math.max(nanAsMinus(value.otherLoad()), base == null ? -1 : nanAsMinus(base.otherLoad()));
    String otherText = other < 0 ? "-" : Formats.percent(other);
    String verdict;
    if (g.target() == null) {
      verdict = "-";
    } else if (value.errors() > 0 || (base != null && base.errors() > 0)) {
      verdict = "INVALID (errors)";
    } else {
      verdict = g.target().holds(base == null ? value.number() : shownRatio) ? "PASS" : "MISS";
    }
    if (!verdict.equals("-") && other > disturbedPercent) {
      verdict += " (disturbed)";
    }
    String ratioText = Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    return new Row(g.label(), valueText, baseText, ratioText, target, verdict, otherText);
  }

  private static double nanAsMinus(double v) {
    return Double.isNaN(v) ? -1 : v;
  }

  static Resolved resolve(Ref ref, Map<String, SectionData> sections) {
    SectionData s = sections.get(ref.scenario());
    if (s == null) {
      return null;
    }
    if (ref.isRun()) {
      Run r = s.run(ref.run());
      if (r == null) {
        return null;
      }
      double n =
          switch (ref.field()) {
            case Ref.P50_MS -> r.p50Ms();
            case Ref.P99_MS -> r.p99Ms();
            default -> r.rps();
          };
      if (Double.isNaN(n)) {
        return null;
      }
      String text =
          Ref.RPS.equals(ref.field()) ? Formats.integer(n) : Formats.twoDecimals(n) + " ms";
      return new Resolved(n, text, r.errors(), r.otherLoadPercent());
    }
    Metric m = s.metrics().get(ref.metric());
    if (m == null || Double.isNaN(m.value())) {
      return null;
    }
    return new Resolved(m.value(), m.text(), 0, Double.NaN);
  }
}
