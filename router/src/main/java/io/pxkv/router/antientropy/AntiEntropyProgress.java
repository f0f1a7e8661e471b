package io.pxkv.router.antientropy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What anti-entropy has done since the router started, for {@code /admin/cluster}: passes over the
 * ring (complete ones: every replica of every arc answered, every repair worked), arcs compared,
 * buckets found different, records copied to replicas that lacked them. One event loop writes it
 * ({@link AntiEntropy}), any may read it: methods are synchronized.
 */
public final class AntiEntropyProgress {
  private final AtomicBoolean claimed = new AtomicBoolean();
  private String state = "starting";
  private long passes;
  private long completePasses;
  private int arcsDone;
  private int arcs;
  private long rangesCompared;
  private long rangesSkipped;
  private long bucketsDiffering;
  private long keysRepaired;
  private long lastFullPassAtMs;
  private long lastPassMs;
  private long passStartedMs;
  private String lastError;

  /** True for the one event loop that runs the walk: the first to ask. */
  public boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  synchronized void state(String state) {
    this.state = state;
  }

  synchronized void passStarted(int arcs) {
    this.arcs = arcs;
    this.arcsDone = 0;
    this.passStartedMs = System.currentTimeMillis();
    this.state = "running";
  }

  synchronized void arcsDone(int n) {
    arcsDone += n;
  }

  synchronized void compared(long ranges, long skipped, long differing) {
    rangesCompared += ranges;
    rangesSkipped += skipped;
    bucketsDiffering += differing;
  }

  synchronized void repaired(long keys) {
    keysRepaired += keys;
  }

  synchronized void failed(String why) {
    lastError = why;
  }

  /**
   * A pass over the ring ended; {@code complete}: every arc was compared on all its replicas and
   * every difference repaired, so every replica held, at the pass's start, every write the others
   * held.
   */
  synchronized void passDone(boolean complete) {
    long now = System.currentTimeMillis();
    passes++;
    lastPassMs = now - passStartedMs;
    if (complete) {
      completePasses++;
      lastFullPassAtMs = now;
    }
  }

  /** Passes over the ring finished. */
  public synchronized long passes() {
    return passes;
  }

  /** Records copied to a replica that lacked them or held an older write. */
  public synchronized long keysRepaired() {
    return keysRepaired;
  }

  public synchronized JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("state", state)
            .put("passes", passes)
            .put("completePasses", completePasses)
            .put("arcsDone", arcsDone)
            .put("arcs", arcs)
            .put("rangesCompared", rangesCompared)
            .put("rangesSkipped", rangesSkipped)
            .put("bucketsDiffering", bucketsDiffering)
            .put("keysRepaired", keysRepaired);
    if (passes > 0) json.put("lastPassMs", lastPassMs);
    if (lastFullPassAtMs > 0) {
      json.put("lastFullPassAt", Instant.ofEpochMilli(lastFullPassAtMs).toString());
    }
    if (lastError != null) json.put("lastError", lastError);
    return json;
  }
}
