package io.pxkv.common.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record, as {@link Logging#ONE_LINE} prints it, with any exception folded into the
 * same line: its class and message, then its first frames joined by {@code <-}, then each cause the
 * same way. So a container's log stays one line per event even when something throws (a log
 * collector never splits a stack trace into unrelated events).
 */
final class OneLineFormatter extends Formatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  /** Frames kept per exception: where it was thrown and what called that, not the whole stack. */
  private static final int FRAMES = 12;

  @Override
  public String format(LogRecord record) {
    StringBuilder line =
        new StringBuilder(160)
            .append(TIME.format(record.getInstant()))
            .append(' ')
            .append(record.getLevel().getLocalizedName())
            .append(' ')
            .append(record.getLoggerName())
            .append(": ")
            .append(oneLine(formatMessage(record)));
    Throwable e = record.getThrown();
    for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
      line.append(depth == 0 ? " | " : " | caused by ").append(oneLine(e.toString()));
      StackTraceElement[] frames = e.getStackTrace();
      for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
        line.append(i == 0 ? " at " : " <- ").append(frames[i]);
      }
      if (frames.length > FRAMES) line.append(" <- ...");
    }
    return line.append(System.lineSeparator()).toString();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }
}
