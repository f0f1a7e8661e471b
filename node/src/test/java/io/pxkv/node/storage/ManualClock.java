package io.pxkv.node.storage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock that stands still until a test moves it. Thread-safe. */
public final class ManualClock extends Clock {
  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  /** Starts at the real time. */
  public ManualClock() {
    this(System.currentTimeMillis());
  }

  public void advance(long amount, TimeUnit unit) {
    millis.addAndGet(unit.toMillis(amount));
  }

  /** The clock's time in microseconds, as versions count it. */
  long micros() {
    return millis.get() * 1000;
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a manual clock has no zones");
  }
}
