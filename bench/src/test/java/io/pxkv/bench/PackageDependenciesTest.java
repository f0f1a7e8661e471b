package io.pxkv.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies go one way: {@code io.pxkv.bench} (main, catalog) uses scenarios, scenarios use the
 * harness, the harness uses measure, report and the baselines, and those use none of the others. So
 * the statistics and the report writer can be tested, and changed, on their own.
 */
class PackageDependenciesTest {
  static final Path SOURCES = Path.of("src/main/java/io/pxkv/bench");

  /** Package under io.pxkv.bench to the packages under it it must not import. */
  static final Map<String, List<String>> FORBIDDEN =
      Map.of(
          "measure", List.of("report", "harness", "scenarios", "baseline", "Catalog", "BenchMain"),
          "report", List.of("measure", "harness", "scenarios", "baseline", "Catalog", "BenchMain"),
          "baseline", List.of("measure", "report", "harness", "scenarios", "Catalog", "BenchMain"),
          "harness", List.of("scenarios", "Catalog", "BenchMain"),
          "scenarios", List.of("Catalog", "BenchMain"));

  @Test
  void noPackageImportsOneAboveIt() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (var e : FORBIDDEN.entrySet()) {
      try (Stream<Path> files = Files.list(SOURCES.resolve(e.getKey()))) {
        for (Path f : files.toList()) {
          String text = Files.readString(f);
          for (String other : e.getValue()) {
            if (text.contains("io.pxkv.bench." + other)) {
              wrong.add(f.getFileName() + " (" + e.getKey() + ") uses io.pxkv.bench." + other);
            }
          }
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }
}
