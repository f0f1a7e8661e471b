package io.pxkv.launcher.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line of progress on a terminal, redrawn in place ({@code \r}) at most ten times a second:
 * {@code backup [##########----------] 50% 1,200 of ~2,400 keys 3.1 MB}. With no known total it
 * shows the counts only. A bar that is off (no terminal, or {@code --json}) draws nothing, so
 * output that goes to a file or a script stays clean.
 */
final class ProgressBar {
  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean on;
  private final String label;
  private long total = -1;
  private long lastDraw = Long.MIN_VALUE;
  private int drawnLength;

  ProgressBar(PrintStream err, boolean on, String label) {
    this.err = err;
    this.on = on;
    this.label = label;
  }

  boolean on() {
    return on;
  }

  /** The amount {@link #update} counts up to; -1 when unknown. */
  void total(long total) {
    this.total = total;
  }

  /** Shows {@code done} (of the total) with {@code detail} after it; throttled. */
  synchronized void update(long done, String detail) {
    if (!on) return;
    long now = System.nanoTime();
    if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) return;
    lastDraw = now;
    draw(line(done, detail));
  }

  /** Erases the bar, leaving the line for what comes next. */
  synchronized void finish() {
    if (!on || drawnLength == 0) return;
    err.print("\r" + " ".repeat(drawnLength) + "\r");
    err.flush();
    drawnLength = 0;
  }

  String line(long done, String detail) {
    StringBuilder s = new StringBuilder(label);
    if (total > 0) {
      double fraction = Math.min(1.0, Math.max(0.0, (double) done / total));
      int filled = (int) Math.round(fraction * WIDTH);
      s.append(" [")
          .append("#".repeat(filled))
          .append("-".repeat(WIDTH - filled))
          .append("] ")
          .append(String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100)));
    }
    if (detail != null && !detail.isEmpty()) s.append("  ").append(detail);
    return s.toString();
  }

  private void draw(String line) {
    int pad = Math.max(0, drawnLength - line.length());
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
    drawnLength = line.length();
  }

  /** {@code 1,234}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 512 B}, {@code 3.1 MB}: powers of 1000, as a person reads them. */
  static String bytes(long n) {
    if (n < 1000) return n + " B";
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
