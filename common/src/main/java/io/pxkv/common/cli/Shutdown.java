package io.pxkv.common.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What every px-kvstore process does at start-up failure and at SIGTERM / Ctrl-C. */
public final class Shutdown {
  private static final long STEP_SECONDS = 30;

  private Shutdown() {}

  /**
   * On SIGTERM or Ctrl-C: runs {@code close} (stop serving, flush), then closes {@code vertx}. The
   * two are awaited one after the other, never chained: a callback chained after {@code
   * vertx.close()} would need an event loop that the close has already stopped, and never run.
   */
  public static void onSignal(String command, Vertx vertx, Supplier<Future<?>> close) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    close.get().await(STEP_SECONDS, TimeUnit.SECONDS);
                    vertx.close().await(STEP_SECONDS, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // Printed, not logged: java.util.logging's own shutdown hook may have closed
                    // its handlers by now.
                    System.err.println(command + ": unclean shutdown: " + rootMessage(e));
                  }
                },
                "shutdown"));
  }

  /** The message of the innermost cause: the one that names the actual problem. */
  public static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
