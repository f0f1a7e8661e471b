package io.pxkv.bench.measure;

import java.util.List;

/**
 * When a warm-up is over. Unmeasured wrk windows of {@code windowSeconds} run until, once at least
 * {@code minSeconds} have been spent, the last three windows each agree within 5% with the one
 * before (the JIT has settled: two alone were seen to agree in the middle of a slow ramp), or until
 * {@code maxSeconds} have been spent. A fresh JVM needs some 20-30 s of load before its compiler
 * has settled; a fixed short warm-up would measure the compiler instead of the server.
 */
public record WarmUpRule(int windowSeconds, int minSeconds, int maxSeconds) {
  static final double TOLERANCE = 0.05;

  public WarmUpRule {
    if (windowSeconds < 1 || minSeconds < 0 || maxSeconds < windowSeconds) {
      throw new IllegalArgumentException(
          "warm-up needs window >= 1 s, min >= 0 s and max >= window (was "
              + windowSeconds
              + ", "
              + minSeconds
              + ", "
              + maxSeconds
              + ")");
    }
  }

  /** What to do after the windows so far. */
  public enum Decision {
    /** Run another window. */
    CONTINUE,
    /** Three windows in a row agree: the server is warm. */
    SETTLED,
    /** The cap was reached before three windows agreed. */
    CAP_REACHED
  }

  /**
   * Decides after the windows measured so far, oldest first; a window wrk printed no rate for is
   * NaN and agrees with nothing.
   */
  public Decision after(List<Double> windows) {
    int n = windows.size();
    int spent = n * windowSeconds;
    if (spent >= minSeconds && n >= 3) {
      double a = windows.get(n - 3);
      double b = windows.get(n - 2);
      double c = windows.get(n - 1);
      if (agree(c, b) && agree(b, a)) {
        return Decision.SETTLED;
      }
    }
    return spent >= maxSeconds ? Decision.CAP_REACHED : Decision.CONTINUE;
  }

  /** True when {@code later} is within 5% of {@code earlier} (and both were measured). */
  static boolean agree(double later, double earlier) {
    if (Double.isNaN(later) || Double.isNaN(earlier) || earlier <= 0) {
      return false;
    }
    return Math.abs(later - earlier) / earlier < TOLERANCE;
  }
}
