package io.pxkv.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the CPU counters of {@code /proc}: the whole machine's ticks, a process's ticks, the load
 * average. Linux only, as the benchmark is.
 */
public final class ProcFs {
  /**
   * Clock ticks per second of the {@code /proc} counters: USER_HZ, which the kernel fixes at 100
   * for user space on x86 and arm64 whatever its internal tick rate ({@code getconf CLK_TCK}).
   */
  public static final long TICKS_PER_SECOND = 100;

  private ProcFs() {}

  public static MachineTicks machine() {
    return MachineTicks.parse(read(Path.of("/proc/stat")));
  }

  /** The ticks of process {@code pid}; zero once it has gone. */
  public static ProcessTicks process(long pid) {
    try {
      return ProcessTicks.parse(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return new ProcessTicks(0, 0);
    }
  }

  /** This JVM's own ticks and those of its waited-for children (the finished wrk runs). */
  public static ProcessTicks self() {
    return ProcessTicks.parse(read(Path.of("/proc/self/stat")));
  }

  /** The 1, 5 and 15 minute load averages, {@code "3.08 5.58 5.47"}. */
  public static String loadAverage() {
    String[] f = read(Path.of("/proc/loadavg")).trim().split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
