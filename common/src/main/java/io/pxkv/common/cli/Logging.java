package io.pxkv.common.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * How px-kvstore processes log: every event goes through {@link System.Logger} ({@code
 * System.getLogger(SomeClass.class.getName())}), which the JDK backs with java.util.logging, as
 * Vert.x and Netty log too. Records go out one line each (a server's to standard output, a client
 * command's to standard error): {@code 2026-12-05 00:10:18.123 INFO io.pxkv.node.NodeMain: node
 * node-1 listening on port 9001}, so each is one line in {@code docker logs} and log collectors (an
 * exception is folded into its record's line). A client command's standard output is left to its
 * answers.
 *
 * <p>The level is java.util.logging's: a properties file given with {@code
 * -Djava.util.logging.config.file=FILE} (docs/OPERATIONS.md).
 */
public final class Logging {
  /** The java.util.logging property {@link java.util.logging.SimpleFormatter} reads. */
  public static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

  /** Time, level, logger, message, then the exception if any. */
  public static final String ONE_LINE = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

  /** The operator gave a format of their own: it stays. */
  private static final boolean OPERATORS_FORMAT = System.getProperty(FORMAT_PROPERTY) != null;

  /** The operator gave a logging config: its handlers stay as it made them. */
  private static final boolean OPERATORS_CONFIG =
      System.getProperty("java.util.logging.config.file") != null;

  private Logging() {}

  /**
   * Makes records one line each, on standard error (a client command's own output is on standard
   * output), unless the operator gave a format ({@code
   * -Djava.util.logging.SimpleFormatter.format}); with a logging config of theirs, its handlers
   * print in the one-line format. Called first thing by each process's main, before anything logs.
   */
  public static void oneLinePerEvent() {
    configure(false);
  }

  /**
   * As {@link #oneLinePerEvent}, for a server (node, router, local cluster): its events are its
   * output, so they go to standard output, where a container's log is read from.
   */
  public static void serverEvents() {
    configure(true);
  }

  private static synchronized void configure(boolean toStdout) {
    if (OPERATORS_FORMAT) return;
    // What a SimpleFormatter prints, such as those of an operator's logging config: one line per
    // record, with a stack trace after it.
    System.setProperty(FORMAT_PROPERTY, ONE_LINE);
    if (OPERATORS_CONFIG) return;
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      if (h instanceof ConsoleHandler) {
        h.setFormatter(new OneLineFormatter());
        if (toStdout) {
          root.removeHandler(h);
          StdoutHandler out = new StdoutHandler();
          out.setLevel(h.getLevel());
          root.addHandler(out);
        }
      }
    }
  }

  /** Like {@link ConsoleHandler}, on standard output: each record flushed as it is written. */
  private static final class StdoutHandler extends StreamHandler {
    StdoutHandler() {
      super(System.out, new OneLineFormatter());
    }

    @Override
    public synchronized void publish(LogRecord record) {
      super.publish(record);
      flush();
    }

    /** Flushes, but never closes standard output. */
    @Override
    public synchronized void close() {
      flush();
    }
  }
}
