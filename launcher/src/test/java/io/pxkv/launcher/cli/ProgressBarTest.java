package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(drawn, true, StandardCharsets.UTF_8);

  private String drawn() {
    return drawn.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBarWithATotalShowsTheFractionAndTheDetail() {
    ProgressBar bar = new ProgressBar(err, true, "backup");
    bar.total(200);
    assertEquals("backup [######------------------]  25%  50 keys", bar.line(50, "50 keys"));
    assertEquals("backup [########################] 100%", bar.line(250, null));
    bar.total(-1);
    assertEquals("backup  1,234 keys", bar.line(1234, "1,234 keys"));
  }

  @Test
  void itRedrawsInPlaceAtMostTenTimesASecondAndErasesItselfAtTheEnd() {
    ProgressBar bar = new ProgressBar(err, true, "restore");
    bar.total(100);
    bar.update(10, "a long detail");
    bar.update(20, "skipped: too soon after the last draw");
    assertEquals("\rrestore [##----------------------]  10%  a long detail", drawn());
    bar.finish();
    String line = "restore [##----------------------]  10%  a long detail";
    assertEquals("\r" + line + "\r" + " ".repeat(line.length()) + "\r", drawn());
  }

  @Test
  void aBarThatIsOffDrawsNothing() {
    ProgressBar bar = new ProgressBar(err, false, "backup");
    bar.total(10);
    bar.update(5, "half");
    bar.finish();
    assertEquals("", drawn());
  }

  @Test
  void countsAndSizesReadAsAPersonReadsThem() {
    assertEquals("1,234,567", ProgressBar.count(1_234_567));
    assertEquals("999 B", ProgressBar.bytes(999));
    assertEquals("1.5 kB", ProgressBar.bytes(1500));
    assertEquals("3.1 MB", ProgressBar.bytes(3_100_000));
  }
}
