package io.pxkv.bench.measure;

/**
 * CPU clock ticks one process has used, from {@code /proc/PID/stat}: its own user + system time
 * (all threads), and the user + system time of its children that have exited and been waited for
 * (how the harness learns what a finished wrk used).
 */
public record ProcessTicks(long own, long waitedChildren) {

  /**
   * Parses {@code /proc/PID/stat}. The command name (field 2) is in parentheses and may itself hold
   * spaces and parentheses, so the fields are counted from the last {@code ')'}.
   */
  public static ProcessTicks parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    // After ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17): index = field -
    // 3.
    String[] f = stat.substring(close + 2).trim().split("\\s+");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    long cutime = Long.parseLong(f[13]);
    long cstime = Long.parseLong(f[14]);
    return new ProcessTicks(utime + stime, cutime + cstime);
  }
}
