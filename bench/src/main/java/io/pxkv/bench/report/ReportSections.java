package io.pxkv.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sections of a report file and how a run's fresh sections are merged into them. A section is
 * everything from {@code <!-- section:NAME -->} to {@code <!-- /section:NAME -->}; it is kept byte
 * for byte unless a section of the same name was just measured. Sections other tools write (a
 * {@code container-image} section, say) are kept the same way, wherever they are.
 *
 * <p>A report written before sections had markers (by the old {@code bench/run.sh}) is read as one
 * section per {@code ### Title (`name`)} heading under {@code ## Scenarios}, so its numbers survive
 * a run of some scenarios; those sections carry no data, so their goals drop out of the goals table
 * until they are measured again.
 */
public final class ReportSections {
  private static final Pattern START = Pattern.compile("(?m)^<!-- section:([A-Za-z0-9_.-]+) -->$");
  private static final Pattern LEGACY_HEADING =
      Pattern.compile("(?m)^### .* \\(`([A-Za-z0-9_.-]+)`\\)$");

  private ReportSections() {}

  /** One section's name and text (markers included, ending with a newline). */
  public record Section(String name, String text) {
    /** The data the section stored, or null (another tool's section, or a legacy one). */
    public SectionData data() {
      return SectionMarkdown.data(text);
    }
  }

  /** The sections of {@code document} in their order; empty for an empty or new report. */
  public static List<Section> parse(String document) {
    List<Section> sections = new ArrayList<>();
    Matcher start = START.matcher(document);
    int from = 0;
    while (start.find(from)) {
      String name = start.group(1);
      String end = SectionMarkdown.endMarker(name);
      int endAt = document.indexOf(end, start.end());
      if (endAt < 0) {
        throw new IllegalArgumentException(
            "the report's section '" + name + "' has no end marker " + end);
      }
      sections.add(
          new Section(name, document.substring(start.start(), endAt + end.length()) + "\n"));
      from = endAt + end.length();
    }
    if (sections.isEmpty()) {
      return legacy(document);
    }
    return sections;
  }

  /**
   * A report without markers: its {@code ### Title (`name`)} subsections of {@code ## Scenarios}.
   */
  static List<Section> legacy(String document) {
    List<Section> sections = new ArrayList<>();
    int scenarios = document.indexOf("\n## Scenarios\n");
    if (scenarios < 0) {
      return sections;
    }
    int stop = document.indexOf("\n## ", scenarios + 1);
    String body = document.substring(scenarios, stop < 0 ? document.length() : stop + 1);
    Matcher m = LEGACY_HEADING.matcher(body);
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      starts.add(m.start());
      names.add(m.group(1));
    }
    for (int i = 0; i < starts.size(); i++) {
      int a = starts.get(i);
      int b = i + 1 < starts.size() ? starts.get(i + 1) : body.length();
      String name = names.get(i);
      String text = body.substring(a, b).stripTrailing();
      sections.add(
          new Section(
              name,
              SectionMarkdown.startMarker(name)
                  + "\n"
                  + text
                  + "\n"
                  + SectionMarkdown.endMarker(name)
                  + "\n"));
    }
    return sections;
  }

  /**
   * {@code existing} with each fresh section in place of the one of the same name. A fresh section
   * not there yet goes before the first existing section that comes after it in {@code order} (the
   * catalog's), else right after the last one of the catalog, else at the end. Sections not in
   * {@code order} (other tools') stay where they are.
   */
  public static List<Section> merge(
      List<Section> existing, List<Section> fresh, List<String> order) {
    List<Section> merged = new ArrayList<>(existing);
    for (Section s : fresh) {
      int at = indexOf(merged, s.name());
      if (at >= 0) {
        merged.set(at, s);
        continue;
      }
      int rank = rank(order, s.name());
      int insertAt = -1;
      int afterLastKnown = -1;
      for (int i = 0; i < merged.size(); i++) {
        int other = rank(order, merged.get(i).name());
        if (other == Integer.MAX_VALUE) {
          continue;
        }
        if (other > rank) {
          insertAt = i;
          break;
        }
        afterLastKnown = i + 1;
      }
      if (insertAt < 0) {
        insertAt = afterLastKnown >= 0 ? afterLastKnown : merged.size();
      }
      merged.add(insertAt, s);
    }
    return merged;
  }

  private static int indexOf(List<Section> sections, String name) {
    for (int i = 0; i < sections.size(); i++) {
      if (sections.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int rank(List<String> order, String name) {
    int i = order.indexOf(name);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
