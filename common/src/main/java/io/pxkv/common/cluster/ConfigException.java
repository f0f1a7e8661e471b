package io.pxkv.common.cluster;

import java.util.List;

/**
 * A config that does not parse or validate. Carries every problem found, not just the first, and
 * the file (or other source) it came from, so one run of the user tells them everything to fix:
 *
 * <pre>
 * 2 problems in config/cluster.json
 *   nodes[1].id: duplicate of nodes[0].id (was "node-1")
 *   virtualNodes: must be 1..4096 (was 0)
 * </pre>
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(describe(source, problems), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file or other source the config came from, as the user named it. */
  public String source() {
    return source;
  }

  /** Each problem as {@code field: rule (was value)}. */
  public List<String> problems() {
    return problems;
  }

  /** Everything on one line, for a command line's single error line or a log line. */
  public String oneLine() {
    return source + ": " + String.join("; ", problems);
  }

  private static String describe(String source, List<String> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size()).append(problems.size() == 1 ? " problem in " : " problems in ");
    sb.append(source);
    for (String p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
