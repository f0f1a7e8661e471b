package io.pxkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: the exact Markdown the report writer produces, kept in {@code
 * src/test/resources/golden/}. A deliberate change of format is recorded with {@code mvn test
 * -Dgolden.update=true} and reviewed in the diff.
 */
public final class Golden {
  private static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  public static void assertMatches(String name, String actual) throws IOException {
    Path file = DIR.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(file, actual);
    }
    assertEquals(
        Files.readString(file),
        actual,
        "differs from " + file + " (-Dgolden.update=true rewrites it)");
  }

  public static String read(String name) throws IOException {
    return Files.readString(DIR.resolve(name));
  }
}
