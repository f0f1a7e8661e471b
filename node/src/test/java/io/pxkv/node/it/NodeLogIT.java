package io.pxkv.node.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.ChildNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node process logs each event on one line, with its time, level and logger. */
class NodeLogIT {
  private static final String PREFIX =
      "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO io\\.pxkv\\.node\\.NodeMain: node \\S+ ";

  @Test
  void startUpEventsAreOneLineEach(@TempDir Path data) throws Exception {
    try (ChildNode node = ChildNode.start(data, "--port", "0")) {
      List<String> output = node.output();
      assertOneLine(output, PREFIX + "recovery: .* in \\d+ ms");
      assertOneLine(output, PREFIX + "listening on port " + node.port() + " \\(data .*\\)");
    }
  }

  private static void assertOneLine(List<String> output, String regex) {
    Pattern line = Pattern.compile(regex);
    assertTrue(output.stream().anyMatch(l -> line.matcher(l).matches()), regex + " in " + output);
  }
}
