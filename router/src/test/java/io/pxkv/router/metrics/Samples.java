package io.pxkv.router.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample lines of a Prometheus text exposition, as name, labels and value, to check values
 * after {@link Promtool} (or the shape checks in the test) found the text well formed. Reads only
 * what a sample line is ({@code name{a="x",b="y"} value}); comments and blank lines are skipped.
 */
final class Samples {
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> all;

  private Samples(List<Sample> all) {
    this.all = all;
  }

  static Samples parse(String text) {
    List<Sample> all = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      all.add(sample(line));
    }
    return new Samples(all);
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int at = brace + 1;
      while (line.charAt(at) != '}') {
        int eq = line.indexOf('=', at);
        String label = line.substring(at, eq);
        StringBuilder value = new StringBuilder();
        int i = eq + 2; // past ="
        for (char c; (c = line.charAt(i)) != '"'; i++) {
          if (c == '\\') {
            char next = line.charAt(++i);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
        }
        labels.put(label, value.toString());
        at = i + 1;
        if (line.charAt(at) == ',') at++;
      }
    } else {
      name = line.substring(0, space);
    }
    String v = line.substring(space + 1);
    double value =
        switch (v) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(v);
        };
    return new Sample(name, labels, value);
  }

  /** Every sample of {@code name} whose labels include {@code labels} (pairs: name, value). */
  List<Sample> find(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample s : all) {
      if (!s.name().equals(name)) continue;
      boolean match = true;
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) match = false;
      }
      if (match) found.add(s);
    }
    return found;
  }

  /** The one sample of {@code name} with {@code labels}; fails when there is none or several. */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size() + " samples of " + name + " " + List.of(labels) + " (want 1): " + found);
    }
    return found.get(0).value();
  }

  /** The sum over every sample of {@code name} with {@code labels} (0 when there is none). */
  double sum(String name, String... labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  List<Sample> all() {
    return all;
  }

  boolean has(String name) {
    return !find(name).isEmpty();
  }
}
