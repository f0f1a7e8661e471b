package io.pxkv.common.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class OneLineFormatterTest {
  private final OneLineFormatter formatter = new OneLineFormatter();

  @Test
  void aRecordIsOneLineWithTimeLevelLoggerAndMessage() {
    LogRecord r = new LogRecord(Level.INFO, "node {0} listening");
    r.setParameters(new Object[] {"node-1"});
    r.setLoggerName("io.pxkv.node.NodeMain");
    String line = formatter.format(r);
    assertTrue(
        line.matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO io\\.pxkv\\.node\\.NodeMain:"
                + " node node-1 listening"
                + System.lineSeparator()),
        line);
  }

  @Test
  void anExceptionAndItsCausesStayOnTheRecordsLine() {
    LogRecord r = new LogRecord(Level.WARNING, "thread blocked\nfor 5 s");
    r.setLoggerName("io.vertx.core.impl.BlockedThreadChecker");
    Exception cause = new IllegalStateException("inner\nproblem");
    r.setThrown(new RuntimeException("outer", cause));
    String line = formatter.format(r);
    String body = line.substring(0, line.length() - System.lineSeparator().length());
    assertFalse(body.contains("\n") || body.contains("\r"), line);
    assertTrue(
        body.contains("thread blocked for 5 s | java.lang.RuntimeException: outer at "), line);
    assertTrue(
        body.contains(" | caused by java.lang.IllegalStateException: inner problem at "), line);
    assertTrue(body.contains("OneLineFormatterTest"), "names the frames: " + line);
  }
}
