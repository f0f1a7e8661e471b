package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/** A named number a scenario recorded for goals to use (a restart time, keys/s moved). */
public record Metric(double value, String unit) {
  JsonObject toJson() {
    return new JsonObject().put("value", Json.number(value)).put("unit", unit);
  }

  static Metric fromJson(JsonObject json) {
    return new Metric(Json.number(json, "value"), json.getString("unit", ""));
  }

  /** {@code 1.71 s}, {@code 5012 keys/s}: two decimals below 100, whole numbers above. */
  String text() {
    String n = Math.abs(value) >= 100 ? Formats.integer(value) : Formats.twoDecimals(value);
    return unit == null || unit.isEmpty() ? n : n + " " + unit;
  }
}
