package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/**
 * A number a goal compares: a field of a measured run ({@code run} names its op; {@code field} is
 * {@code rps}, {@code p50Ms} or {@code p99Ms}) or a named metric of a scenario (a restart time,
 * keys per second moved, heap bytes per key, ...).
 */
public record Ref(String scenario, String run, String field, String metric) {
  public static final String RPS = "rps";
  public static final String P50_MS = "p50Ms";
  public static final String P99_MS = "p99Ms";

  /** The req/s of the run {@code op} of {@code scenario}. */
  public static Ref rps(String scenario, String op) {
    return new Ref(scenario, op, RPS, null);
  }

  /** Another field ({@link #P50_MS}, {@link #P99_MS}) of the run {@code op}. */
  public static Ref run(String scenario, String op, String field) {
    return new Ref(scenario, op, field, null);
  }

  /** The metric {@code name} a scenario recorded. */
  public static Ref metric(String scenario, String name) {
    return new Ref(scenario, null, null, name);
  }

  public boolean isRun() {
    return run != null;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("scenario", scenario);
    if (isRun()) {
      json.put("run", run).put("field", field);
    } else {
      json.put("metric", metric);
    }
    return json;
  }

  static Ref fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Ref(
        json.getString("scenario"),
        json.getString("run"),
        json.getString("field", json.containsKey("run") ? RPS : null),
        json.getString("metric"));
  }
}
