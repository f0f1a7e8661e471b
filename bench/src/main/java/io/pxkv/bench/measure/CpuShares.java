package io.pxkv.bench.measure;

/**
 * The two CPU numbers every measured run reports, from clock-tick deltas taken around it.
 *
 * <ul>
 *   <li>{@code other load}: the CPU that processes outside the benchmark (neither the servers under
 *       test, nor wrk, nor the harness itself) used, as a share of the whole machine. Above a few
 *       percent the run was disturbed.
 *   <li>{@code server CPU per request}: the CPU time the servers under test used divided by the
 *       requests served. It is less sensitive than req/s to other work on the machine and tells
 *       where a gap between two scenarios comes from.
 * </ul>
 */
public final class CpuShares {
  private CpuShares() {}

  /**
   * Percent of the machine's ticks spent busy by anything else: machine busy minus servers, wrk and
   * harness, over machine total; never below 0 (the samples are not taken at the very same
   * instant), 0 when no tick passed.
   */
  public static double otherLoadPercent(
      MachineTicks machine, long serverTicks, long wrkTicks, long harnessTicks) {
    if (machine.total() <= 0) {
      return 0;
    }
    long other = machine.busy() - serverTicks - wrkTicks - harnessTicks;
    return 100.0 * Math.max(0, other) / machine.total();
  }

  /** Microseconds of server CPU per request; NaN when no request was served. */
  public static double cpuMicrosPerRequest(long serverTicks, long ticksPerSecond, long requests) {
    if (requests <= 0 || ticksPerSecond <= 0) {
      return Double.NaN;
    }
    return (double) serverTicks / ticksPerSecond * 1_000_000 / requests;
  }

  /** Percent of one core that {@code ticks} are over {@code seconds}. */
  public static double percentOfOneCore(long ticks, long ticksPerSecond, double seconds) {
    if (seconds <= 0 || ticksPerSecond <= 0) {
      return Double.NaN;
    }
    return 100.0 * ticks / ticksPerSecond / seconds;
  }
}
