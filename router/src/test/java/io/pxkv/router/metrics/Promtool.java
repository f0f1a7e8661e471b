package io.pxkv.router.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own {@code promtool} (Debian's {@code prometheus} package), which parses a scrape
 * with Prometheus' text parser and lints it: {@code promtool check metrics} reads the exposition on
 * stdin, exits 0 and prints nothing when it is valid and clean, and otherwise names each problem.
 */
final class Promtool {
  private Promtool() {}

  /** The promtool binary: {@code -Dpxkv.promtool=PATH}, else {@code promtool} on the PATH. */
  static Path find() {
    String configured = System.getProperty("pxkv.promtool");
    if (configured != null)
      return Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  /** What {@code promtool check metrics} said about {@code exposition}. */
  record Verdict(int exitCode, String output) {}

  static Verdict checkMetrics(Path promtool, String exposition)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("promtool did not finish in 30 s");
    }
    return new Verdict(p.exitValue(), output);
  }
}
