package io.pxkv.bench.measure;

/**
 * The whole machine's CPU clock ticks so far, from the {@code cpu} line of {@code /proc/stat}:
 * {@code busy} is user + nice + system + irq + softirq + steal (steal counts as busy: another guest
 * had the core), {@code total} adds idle and iowait. Summed over every core.
 */
public record MachineTicks(long busy, long total) {

  /** Parses the {@code cpu ...} line (the first line of {@code /proc/stat}). */
  public static MachineTicks parse(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long user = Long.parseLong(f[1]);
        long nice = Long.parseLong(f[2]);
        long system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]);
        long iowait = Long.parseLong(f[5]);
        long irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]);
        long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long busy = user + nice + system + irq + softirq + steal;
        return new MachineTicks(busy, busy + idle + iowait);
      }
    }
    throw new IllegalArgumentException("no 'cpu ' line in /proc/stat");
  }

  /** The ticks spent between {@code earlier} and this sample. */
  public MachineTicks since(MachineTicks earlier) {
    return new MachineTicks(busy - earlier.busy, total - earlier.total);
  }
}
