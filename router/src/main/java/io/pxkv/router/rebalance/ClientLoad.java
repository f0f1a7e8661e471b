package io.pxkv.router.rebalance;

import java.util.concurrent.atomic.LongAdder;

/**
 * How busy clients keep the router: every event loop counts the client requests it takes ({@link
 * #record}, a contention-free add), and the mover asks how many came per second lately ({@link
 * #perSecond}), to move keys fast when nobody is waiting and gently when clients are.
 *
 * <p>{@link #record} is called from any event loop; {@link #perSecond} from the coordinator's.
 */
public final class ClientLoad {
  private final LongAdder requests = new LongAdder();
  private long lastCount;
  private long lastNanos = System.nanoTime();
  private double lastRate;

  /** One client request was taken. */
  public void record() {
    requests.increment();
  }

  /**
   * Client requests per second since the previous call (or the rate measured then, if less than a
   * tenth of a second has passed since).
   */
  double perSecond() {
    long now = System.nanoTime();
    long elapsed = now - lastNanos;
    if (elapsed < 100_000_000L) return lastRate;
    long count = requests.sum();
    lastRate = (count - lastCount) * 1e9 / elapsed;
    lastCount = count;
    lastNanos = now;
    return lastRate;
  }
}
