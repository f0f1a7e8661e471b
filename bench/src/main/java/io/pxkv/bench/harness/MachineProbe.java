package io.pxkv.bench.harness;

import io.pxkv.bench.measure.ProcFs;
import io.pxkv.bench.report.MachineFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the machine facts the report shows: CPU, memory, kernel, Java, tools, commit, load. */
public final class MachineProbe {
  static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private MachineProbe() {}

  /** Now, in UTC: {@code 2026-11-27 04:15}. */
  public static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(DATE);
  }

  public static MachineFacts probe(Settings settings, List<Tool> tools, String loadStart) {
    Map<String, String> versions = new LinkedHashMap<>();
    for (Tool t : tools) {
      versions.put(t.executable(), t.version(settings.searchPath()));
    }
    return new MachineFacts(
        now(),
        settings.cores(),
        cpuModel(),
        memory(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.runtime.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")",
        versions,
        commit(settings.root()),
        loadStart,
        ProcFs.loadAverage());
  }

  static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return "unknown";
  }

  static String memory() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.1f GiB", kib / 1048576.0);
      }
    }
    return "unknown";
  }

  /**
   * The short commit of the tree, with {@code (with uncommitted changes)} when anything but the
   * benchmark and its report differs from it: those are what the numbers measured.
   */
  public static String commit(Path root) {
    String head =
        Commands.output(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"));
    if (head == null || head.isBlank() || head.contains("fatal")) {
      return "unknown";
    }
    int dirty =
        Commands.exitCode(
            List.of(
                "git",
                "-C",
                root.toString(),
                "diff",
                "--quiet",
                "HEAD",
                "--",
                ".",
                ":!bench",
                ":!docs/BENCHMARKS.md"));
    return head.strip() + (dirty == 0 ? "" : " (with uncommitted changes)");
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
