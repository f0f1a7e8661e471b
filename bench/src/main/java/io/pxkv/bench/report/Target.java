package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What a goal asks of its number: the ratio of value to baseline when the goal has a baseline
 * ({@code >= 0.9x}), otherwise the value itself ({@code < 3 s}).
 */
public record Target(Comparison comparison, double limit, String unit) {

  /** How the number is compared with the limit. */
  public enum Comparison {
    AT_LEAST(">="),
    AT_MOST("<="),
    BELOW("<"),
    ABOVE(">");

    final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(double number, double limit) {
      return switch (this) {
        case AT_LEAST -> number >= limit;
        case AT_MOST -> number <= limit;
        case BELOW -> number < limit;
        case ABOVE -> number > limit;
      };
    }
  }

  /** A ratio at least {@code limit} (higher is better: req/s). */
  public static Target ratioAtLeast(double limit) {
    return new Target(Comparison.AT_LEAST, limit, "x");
  }

  /** A ratio at most {@code limit} (lower is better: latency, time). */
  public static Target ratioAtMost(double limit) {
    return new Target(Comparison.AT_MOST, limit, "x");
  }

  /** A value below {@code limit} {@code unit}s. */
  public static Target below(double limit, String unit) {
    return new Target(Comparison.BELOW, limit, unit);
  }

  /** A value at least {@code limit} {@code unit}s. */
  public static Target atLeast(double limit, String unit) {
    return new Target(Comparison.AT_LEAST, limit, unit);
  }

  boolean holds(double number) {
    return comparison.holds(number, limit);
  }

  /** {@code >= 0.9x}, {@code < 3 s}. */
  String text() {
    boolean ratio = "x".equals(unit);
    String n = Formats.limit(limit, ratio);
    return comparison.symbol + " " + (ratio ? n + "x" : n + " " + unit);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("comparison", comparison.name().toLowerCase(Locale.ROOT))
        .put("limit", limit)
        .put("unit", unit);
  }

  static Target fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Target(
        Comparison.valueOf(json.getString("comparison").toUpperCase(Locale.ROOT)),
        json.getDouble("limit"),
        json.getString("unit"));
  }
}
