package io.pxkv.bench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine a run measured on, as the report's machine table shows it. {@code tools} maps each
 * outside tool (wrk, redis-server, webdis, ...) to its version, or to {@code not installed}.
 */
public record MachineFacts(
    String date,
    int cores,
    String cpu,
    String memory,
    String kernel,
    String java,
    Map<String, String> tools,
    String commit,
    String loadStart,
    String loadEnd) {

  public MachineFacts {
    tools = Collections.unmodifiableMap(new LinkedHashMap<>(tools));
  }

  /** The Markdown table. */
  public String table() {
    StringBuilder out = new StringBuilder("| fact | value |\n|---|---|\n");
    row(out, "date (UTC)", date);
    row(out, "cores (nproc)", Integer.toString(cores));
    row(out, "CPU", cpu);
    row(out, "memory", memory);
    row(out, "kernel", kernel);
    row(out, "java", java);
    tools.forEach((name, version) -> row(out, name, version));
    row(out, "px-kvstore commit", commit);
    row(out, "load average at start / end", loadStart + " / " + loadEnd);
    return out.toString();
  }

  private static void row(StringBuilder out, String fact, String value) {
    out.append("| ").append(fact).append(" | ").append(SectionMarkdown.cell(value)).append(" |\n");
  }
}
