package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/** JSON has no NaN: a number a run did not produce is stored as null. */
final class Json {
  private Json() {}

  /** {@code value} rounded to 3 decimals (more would be noise), or null for NaN. */
  static Double number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    return Math.round(value * 1000) / 1000.0;
  }

  static double number(JsonObject json, String field) {
    Number n = json.getNumber(field);
    return n == null ? Double.NaN : n.doubleValue();
  }
}
