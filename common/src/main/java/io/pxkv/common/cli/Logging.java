package io.pxkv.common.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * How px-kvstore processes log: every event goes through {@link System.Logger} ({@code
 * System.getLogger(SomeClass.class.getName())}), which the JDK backs with java.util.logging, as
 * Vert.x and Netty log too. Records go to standard error, one line each: {@code 2026-12-05
 * 00:10:18.123 INFO io.pxkv.node.NodeMain: node node-1 listening on port 9001}, so each is one line
 * in {@code docker logs} and log collectors (an exception is folded into its record's line).
 * Standard output is left to a command's own output: help, the admin CLI's answers.
 *
 * <p>The level is java.util.logging's: a properties file given with {@code
 * -Djava.util.logging.config.file=FILE} (docs/OPERATIONS.md).
 */
public final class Logging {
  /** The java.util.logging property {@link java.util.logging.SimpleFormatter} reads. */
  public static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

  /** Time, level, logger, message, then the exception if any. */
  public static final String ONE_LINE = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

  private Logging() {}

  /**
   * Makes records one line each, unless {@code -Djava.util.logging.SimpleFormatter.format} gave a
   * format. Called first thing by each process's main, before anything logs (the formatter reads
   * the property when the first record is printed).
   */
  public static void oneLinePerEvent() {
    if (System.getProperty(FORMAT_PROPERTY) != null) return;
    System.setProperty(FORMAT_PROPERTY, ONE_LINE);
    // Without a logging config of the operator's, the console handler folds exceptions into their
    // line too; with one, its handlers print as it says (SimpleFormatter in the format above).
    if (System.getProperty("java.util.logging.config.file") == null) {
      for (Handler h : Logger.getLogger("").getHandlers()) {
        if (h instanceof ConsoleHandler) h.setFormatter(new OneLineFormatter());
      }
    }
  }
}
