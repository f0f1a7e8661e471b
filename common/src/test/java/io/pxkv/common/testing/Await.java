package io.pxkv.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: how tests wait for something another
 * thread or process does. The pause between polls only spaces them out; no outcome depends on its
 * length, only on the deadline.
 */
public final class Await {
  private static final long POLL_MS = 10;

  private Await() {}

  /** Returns once {@code done} holds; fails with "not WHAT within N ms" at the deadline. */
  public static void until(String what, Duration deadline, BooleanSupplier done)
      throws InterruptedException {
    until(what, deadline, done, () -> "");
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}; the failure also says {@code state}. */
  public static void until(
      String what, Duration deadline, BooleanSupplier done, Supplier<String> state)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    long pause = POLL_MS;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        String now = state.get();
        throw new AssertionError(
            "not "
                + what
                + " within "
                + deadline.toMillis()
                + " ms"
                + (now.isEmpty() ? "" : ": " + now));
      }
      Thread.sleep(pause);
      pause = Math.min(100, pause * 2);
    }
  }
}
