package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/**
 * One measured wrk run as the report shows it. {@code op} names the call ({@code GET}, {@code PUT
 * always -c64 turn 2}, ...); goals find runs by scenario and op. {@code median} marks a row that
 * repeats the median run of a party measured in turns, so it is not counted twice. NaN is a number
 * the run did not produce ({@code NA} in the tables).
 */
public record Run(
    String op,
    double rps,
    double p50Ms,
    double p99Ms,
    long errors,
    long requests,
    double otherLoadPercent,
    double cpuMicrosPerRequest,
    boolean median) {

  /** This run under another name, marked as the median copy. */
  public Run asMedian(String newOp) {
    return new Run(
        newOp, rps, p50Ms, p99Ms, errors, requests, otherLoadPercent, cpuMicrosPerRequest, true);
  }

  JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("op", op)
            .put("rps", Json.number(rps))
            .put("p50Ms", Json.number(p50Ms))
            .put("p99Ms", Json.number(p99Ms))
            .put("errors", errors)
            .put("requests", requests)
            .put("otherLoad", Json.number(otherLoadPercent))
            .put("cpuUsPerRequest", Json.number(cpuMicrosPerRequest));
    if (median) {
      json.put("median", true);
    }
    return json;
  }

  static Run fromJson(JsonObject json) {
    return new Run(
        json.getString("op"),
        Json.number(json, "rps"),
        Json.number(json, "p50Ms"),
        Json.number(json, "p99Ms"),
        json.getLong("errors", 0L),
        json.getLong("requests", -1L),
        Json.number(json, "otherLoad"),
        Json.number(json, "cpuUsPerRequest"),
        json.getBoolean("median", false));
  }
}
