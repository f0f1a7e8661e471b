package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario's section of the report: between {@code <!-- section:NAME -->} and {@code <!--
 * /section:NAME -->}, its heading, text, how and when it ran, its runs table, its extra numbers,
 * and its data as JSON in a comment (invisible on a rendered page) from which the goals table is
 * rebuilt.
 */
public final class SectionMarkdown {
  static final String DATA_PREFIX = "<!-- bench-data ";
  private static final Pattern DATA = Pattern.compile("<!-- bench-data (\\{.*\\}) -->");

  private SectionMarkdown() {}

  public static String startMarker(String name) {
    return "<!-- section:" + name + " -->";
  }

  public static String endMarker(String name) {
    return "<!-- /section:" + name + " -->";
  }

  /** The whole section, markers included, ending with a newline. */
  public static String render(SectionData s) {
    StringBuilder out = new StringBuilder();
    out.append(startMarker(s.name())).append('\n');
    out.append("### ").append(s.title()).append(" (`").append(s.name()).append("`)\n\n");
    if (s.description() != null && !s.description().isBlank()) {
      out.append(s.description().strip()).append("\n\n");
    }
    if (s.status() == SectionData.Status.SKIPPED) {
      out.append("Skipped");
      if (s.info() != null) {
        out.append(" on ").append(s.info().date()).append(" UTC");
      }
      out.append(": ").append(sentence(s.reason())).append("\n\n");
    } else if (s.info() != null) {
      out.append(infoLine(s.info())).append("\n\n");
    }
    if (s.status() == SectionData.Status.FAILED) {
      out.append("**Failed:** ").append(sentence(s.reason())).append("\n\n");
    }
    if (!s.runs().isEmpty()) {
      out.append(
          "| call | req/s | p50 (ms) | p99 (ms) | errors | requests | server CPU per request (µs)"
              + " | other load |\n");
      out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Run r : s.runs()) {
        out.append("| ")
            .append(r.op())
            .append(" | ")
            .append(Formats.integer(r.rps()))
            .append(" | ")
            .append(Formats.twoDecimals(r.p50Ms()))
            .append(" | ")
            .append(Formats.twoDecimals(r.p99Ms()))
            .append(" | ")
            .append(r.errors())
            .append(" | ")
            .append(Formats.count(r.requests()))
            .append(" | ")
            .append(Formats.integer(r.cpuMicrosPerRequest()))
            .append(" | ")
            .append(Formats.percent(r.otherLoadPercent()))
            .append(" |\n");
      }
      out.append('\n');
    }
    if (!s.extras().isEmpty()) {
      out.append("| measure | value |\n|---|---|\n");
      for (Extra e : s.extras()) {
        out.append("| ")
            .append(cell(e.label()))
            .append(" | ")
            .append(cell(e.value()))
            .append(" |\n");
      }
      out.append('\n');
    }
    out.append(DATA_PREFIX).append(escapeForComment(s.toJson().encode())).append(" -->\n");
    out.append(endMarker(s.name())).append('\n');
    return out.toString();
  }

  /** The data a section stored, or null if it has none (a section another tool wrote). */
  public static SectionData data(String sectionText) {
    Matcher m = DATA.matcher(sectionText);
    if (!m.find()) {
      return null;
    }
    return SectionData.fromJson(new JsonObject(m.group(1)));
  }

  static String infoLine(RunInfo i) {
    StringBuilder line = new StringBuilder("_");
    if (i.quick()) {
      line.append("Quick run (short runs, small key counts: a smoke test, not evidence). ");
    }
    line.append("Measured ")
        .append(i.date())
        .append(" UTC on commit ")
        .append(i.commit())
        .append(", ")
        .append(i.settings())
        .append("; load average ")
        .append(i.loadStart())
        .append(" at start, ")
        .append(i.loadEnd())
        .append(" at end; raw outputs in `")
        .append(i.results())
        .append("` (not committed)._");
    return line.toString();
  }

  private static String sentence(String text) {
    return text.endsWith(".") ? text : text + ".";
  }

  /** A table cell: a pipe or a line break would end it. */
  static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /**
   * An HTML comment ends at the first {@code -->} and must not hold {@code --}; JSON can only have
   * {@code --} inside strings, where {@code \u002d} is the same character.
   */
  static String escapeForComment(String json) {
    return json.replace("--", "-\\u002d");
  }
}
