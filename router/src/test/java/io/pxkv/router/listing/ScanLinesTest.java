package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanLinesTest {
  @Test
  void linesComeOutWholeWhereverTheChunksAreCut() {
    String body = "{\"a\":\"\u00e9\uD83D\uDE80\"}\n\n{\"b\":2}\r\n  \n{\"c\":3}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    for (int cut1 = 0; cut1 <= bytes.length; cut1++) {
      for (int cut2 = cut1; cut2 <= bytes.length; cut2++) {
        List<String> lines = new ArrayList<>();
        ScanLines splitter = new ScanLines(1000, line -> lines.add(line.toString()));
        splitter.feed(Buffer.buffer(bytes).slice(0, cut1));
        splitter.feed(Buffer.buffer(bytes).slice(cut1, cut2));
        splitter.feed(Buffer.buffer(bytes).slice(cut2, bytes.length));
        splitter.end();
        assertEquals(
            List.of("{\"a\":\"\u00e9\uD83D\uDE80\"}", "{\"b\":2}", "{\"c\":3}"),
            lines,
            cut1 + "/" + cut2);
      }
    }
  }

  @Test
  void aLineOverTheLimitIsRefusedEvenBeforeItEnds() {
    List<Buffer> lines = new ArrayList<>();
    ScanLines splitter = new ScanLines(10, lines::add);
    splitter.feed(Buffer.buffer("0123456789\n"));
    assertEquals(1, lines.size());
    assertThrows(IllegalArgumentException.class, () -> splitter.feed(Buffer.buffer("0123456789A")));
    ScanLines whole = new ScanLines(10, lines::add);
    assertThrows(IllegalArgumentException.class, () -> whole.feed(Buffer.buffer("0123456789AB\n")));
  }
}
