package io.pxkv.bench.report;

import java.util.Locale;

/** How numbers look in the report; NaN is {@code NA}. */
final class Formats {
  private Formats() {}

  static String integer(double v) {
    return Double.isNaN(v) ? "NA" : String.format(Locale.ROOT, "%.0f", v);
  }

  static String count(long v) {
    return v < 0 ? "NA" : Long.toString(v);
  }

  static String twoDecimals(double v) {
    return Double.isNaN(v) ? "NA" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String percent(double v) {
    return Double.isNaN(v) ? "NA" : String.format(Locale.ROOT, "%.0f%%", v);
  }

  /**
   * A limit as written in a goal: {@code 0.8}, {@code 3}; ratios keep one decimal ({@code 1.0}).
   */
  static String limit(double v, boolean ratio) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, ratio ? "%.1f" : "%.0f", v);
    }
    return Double.toString(v);
  }
}
