package io.pxkv.node.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reclaims expired keys nobody reads, in the manner of Redis' active expiry: every {@link
 * #TICK_MILLIS} ms it samples {@link #SAMPLE} keys among those with an expiry ({@link
 * ExpiringKeys}, so keys without one are never looked at), has each expired one replaced by an
 * expiry tombstone ({@link WriteOp.Expire}: the key directory then forgets the value, and
 * compaction the tombstone), and samples again while more than a quarter of a sample had expired,
 * at most {@link #MAX_ROUNDS} rounds per tick, so a tick's work stays bounded however many keys
 * expire at once. Reads nothing from disk: the key directory knows every expiry.
 *
 * <p>Runs on its own daemon thread, {@code kv-expire}; {@link #cycle} may also be called directly
 * (tests, with an injected clock).
 */
final class ActiveExpiry {
  static final long TICK_MILLIS = 100;
  static final int SAMPLE = 20;
  static final int MAX_ROUNDS = 16;

  private final KeyDirectory keydir;
  private final LogWriter writer;
  private final HybridClock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kv-expire");
            t.setDaemon(true);
            return t;
          });
  private volatile long expired;

  ActiveExpiry(KeyDirectory keydir, LogWriter writer, HybridClock clock) {
    this.keydir = keydir;
    this.writer = writer;
    this.clock = clock;
  }

  void start() {
    thread.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      cycle();
    } catch (RuntimeException e) {
      // A failed write stops the engine's writes; the next tick tries again (and finds it so).
    }
  }

  /**
   * One bounded pass: rounds of sampling while more than a quarter of a round's sample had expired.
   * Returns how many keys it expired.
   */
  synchronized int cycle() {
    int total = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (writer.failure() != null) break;
      List<String> sample = keydir.expiring().sample(SAMPLE);
      if (sample.isEmpty()) break;
      long now = clock.nowMillis();
      List<WriteOp> ops = new ArrayList<>();
      List<CompletableFuture<Boolean>> done = new ArrayList<>();
      int found = 0;
      for (String key : sample) {
        KeyDirEntry e = keydir.get(key);
        if (e == null || !StorageEngine.expired(e.expiresAt(), now)) continue;
        found++;
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        ops.add(new WriteOp.Expire(key, e, f));
        done.add(f);
      }
      if (!ops.isEmpty()) {
        writer.submitAll(ops);
        for (CompletableFuture<Boolean> f : done) {
          if (f.join()) total++;
        }
      }
      if (found * 4 <= sample.size()) break;
    }
    expired += total;
    return total;
  }

  /** Keys expired by this cycle since the engine opened. */
  long expired() {
    return expired;
  }

  void close() throws InterruptedException {
    thread.shutdown();
    thread.awaitTermination(1, TimeUnit.MINUTES);
  }
}
