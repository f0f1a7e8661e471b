package io.pxkv.router.routing;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The versions a router gives replicated writes: a hybrid logical clock, {@code max(last + 1, wall
 * clock in microseconds)}, shared by the router's event loops, and the router's writer id, which
 * breaks ties between equal versions from different routers the same way on every node.
 *
 * <p>The writer id is drawn at random when the router starts (a router keeps no state, so it has no
 * stable name): two routers share one with a 2^-32 chance, and then a tie of equal versions from
 * both (same key, same microsecond) would still break alike everywhere, only not by router.
 *
 * <p>Whatever the hosts' clocks say, a write that a node refuses as older makes the clock {@link
 * #observe} the newer version, and the write is sent again above it (ReplicatedWrites).
 */
public final class RouterClock {
  private static final AtomicLong last = new AtomicLong();

  /** This router process's writer id, never 0 (0 marks writes of the first format). */
  public static final int WRITER = writerId();

  private RouterClock() {}

  private static int writerId() {
    int id = 0;
    SecureRandom random = new SecureRandom();
    while (id == 0) id = random.nextInt();
    return id;
  }

  /** A version larger than every one issued or observed so far. */
  public static long next() {
    long now = System.currentTimeMillis() * 1000;
    return last.updateAndGet(prev -> Math.max(prev + 1, now));
  }

  /** Makes every later {@link #next} larger than {@code version}. */
  public static void observe(long version) {
    last.accumulateAndGet(version, Math::max);
  }
}
