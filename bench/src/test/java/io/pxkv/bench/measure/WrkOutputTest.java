package io.pxkv.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WrkOutputTest {
  static String fixture(String name) throws IOException {
    try (InputStream in = WrkOutputTest.class.getResourceAsStream("/wrk/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsRateRequestsAndPercentilesOfARealRun() throws IOException {
    WrkOutput out = WrkOutput.parse(fixture("latency.txt"));
    assertEquals(52151.78, out.rps(), 1e-9);
    assertEquals(105039, out.requests());
    assertEquals(0.86, out.p50Ms(), 1e-9);
    assertEquals(65.14, out.p99Ms(), 1e-9);
    assertEquals(0, out.errors());
    assertTrue(out.measured());
  }

  @Test
  void countsNon2xxAnswersAsErrors() throws IOException {
    WrkOutput out = WrkOutput.parse(fixture("non-2xx.txt"));
    assertEquals(4312, out.errors());
    assertEquals(4312, out.requests());
  }

  @Test
  void addsEverySocketErrorToTheNon2xxAnswers() throws IOException {
    WrkOutput out = WrkOutput.parse(fixture("socket-errors.txt"));
    assertEquals(3 + 12 + 0 + 41 + 7, out.errors());
  }

  @Test
  void convertsEveryTimeUnitWrkPrintsToMilliseconds() throws IOException {
    WrkOutput out = WrkOutput.parse(fixture("socket-errors.txt"));
    assertEquals(0.812, out.p50Ms(), 1e-9);
    assertEquals(1520, out.p99Ms(), 1e-9);
    assertEquals(90_000, WrkOutput.toMillis(1.5, "m"), 1e-9);
    assertEquals(3_600_000, WrkOutput.toMillis(1, "h"), 1e-9);
  }

  @Test
  void aRunThatNeverConnectedHasNoNumbers() throws IOException {
    WrkOutput out = WrkOutput.parse(fixture("refused.txt"));
    assertFalse(out.measured());
    assertTrue(Double.isNaN(out.p99Ms()));
    assertEquals(-1, out.requests());
  }

  @Test
  void warmUpWindowsWithoutLatencyHaveARateButNoPercentiles() throws IOException {
    String text =
        fixture("latency.txt").replaceAll("(?s)  Latency Distribution.*?(?=  \\d+ requests)", "");
    WrkOutput out = WrkOutput.parse(text);
    assertEquals(52151.78, out.rps(), 1e-9);
    assertTrue(Double.isNaN(out.p50Ms()));
  }
}
