package io.pxkv.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Something a scenario needs that the harness does not install: a tool on the PATH, a Python
 * module, the px-kvstore jar. A scenario whose needs are not met is skipped, and its section says
 * what is missing and how to get it.
 */
public interface Requirement {
  /** What is missing, or null when the requirement is met. */
  Missing check(Settings settings);

  /** A short name for {@code --list}. */
  String name();

  /**
   * What is missing: {@code what} names it; {@code aptPackage} installs it (several are grouped
   * into one {@code apt-get install} line), or {@code howToGet} says what to do instead.
   */
  record Missing(String what, String aptPackage, String howToGet) {}

  /**
   * Why a scenario with {@code needs} cannot run, or null if it can: {@code missing wrk, webdis
   * (`apt-get install -y wrk webdis`)}, then any other missing thing with its own remedy.
   */
  static String skipReason(List<Requirement> needs, Settings settings) {
    List<String> tools = new ArrayList<>();
    Set<String> packages = new LinkedHashSet<>();
    List<String> others = new ArrayList<>();
    for (Requirement r : needs) {
      Missing m = r.check(settings);
      if (m == null) {
        continue;
      }
      if (m.aptPackage() != null) {
        tools.add(m.what());
        packages.add(m.aptPackage());
      } else {
        others.add(m.what() + " (" + m.howToGet() + ")");
      }
    }
    List<String> parts = new ArrayList<>();
    if (!tools.isEmpty()) {
      parts.add(
          "missing "
              + String.join(", ", tools)
              + " (`apt-get install -y "
              + String.join(" ", packages)
              + "`)");
    }
    parts.addAll(others);
    return parts.isEmpty() ? null : String.join("; ", parts);
  }
}
