package io.pxkv.router.rebalance;

import java.util.concurrent.atomic.LongAdder;

/**
 * How busy clients keep the router: every event loop counts the client requests it takes ({@link
 * #record}, a contention-free add); the coordinator samples the count a few times a second ({@link
 * #sample}), and the mover asks whether clients were served lately ({@link #busy}), to move keys
 * fast when nobody is waiting and gently when clients are. "Lately" spans a couple of seconds, so a
 * pause between two bursts of requests does not let a large batch start in between.
 *
 * <p>{@link #record} is called from any event loop; the rest from the coordinator's.
 */
public final class ClientLoad {
  /** Client requests per second above which moves yield to clients. */
  static final double BUSY_REQUESTS_PER_SECOND = 20;

  /** How long after the last busy sample clients still count as served. */
  static final long BUSY_FOR_NANOS = 2_000_000_000L;

  private final LongAdder requests = new LongAdder();
  private long lastCount;
  private long lastNanos = System.nanoTime();
  private long busyAtNanos = Long.MIN_VALUE / 2;

  /** One client request was taken. */
  public void record() {
    requests.increment();
  }

  /** Takes a sample: the rate since the previous one. Call it every few hundred milliseconds. */
  void sample() {
    long now = System.nanoTime();
    long count = requests.sum();
    double perSecond = (count - lastCount) * 1e9 / Math.max(1, now - lastNanos);
    lastCount = count;
    lastNanos = now;
    if (perSecond > BUSY_REQUESTS_PER_SECOND) busyAtNanos = now;
  }

  /** Whether clients were served in the last couple of seconds. */
  boolean busy() {
    return System.nanoTime() - busyAtNanos < BUSY_FOR_NANOS;
  }
}
