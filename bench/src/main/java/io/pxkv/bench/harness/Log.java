package io.pxkv.bench.harness;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The run's progress on standard error: {@code [bench 04:15:02] message}. */
public final class Log {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Log() {}

  public static synchronized void info(String message) {
    System.err.println("[bench " + LocalTime.now().format(TIME) + "] " + message);
  }
}
