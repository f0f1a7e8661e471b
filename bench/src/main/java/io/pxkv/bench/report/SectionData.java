package io.pxkv.bench.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one scenario's section holds: its text, how it ended, its runs, extra numbers, metrics
 * (numbers goals can refer to) and goals. The section stores this as JSON in a comment, so a later
 * run of other scenarios can rebuild the goals table without measuring this one again.
 */
public record SectionData(
    String name,
    String title,
    String description,
    Status status,
    String reason,
    RunInfo info,
    List<Run> runs,
    List<Extra> extras,
    Map<String, Metric> metrics,
    List<Goal> goals) {

  /** How the scenario ended. */
  public enum Status {
    RAN,
    /** Not run: something it needs is missing ({@code reason} says what and how to get it). */
    SKIPPED,
    /** Stopped by an error ({@code reason}); the runs before it are kept. */
    FAILED
  }

  public SectionData {
    runs = List.copyOf(runs);
    extras = List.copyOf(extras);
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    goals = List.copyOf(goals);
  }

  /** The run named {@code op}, or null. */
  public Run run(String op) {
    for (Run r : runs) {
      if (r.op().equals(op)) {
        return r;
      }
    }
    return null;
  }

  public JsonObject toJson() {
    JsonArray runsJson = new JsonArray();
    runs.forEach(r -> runsJson.add(r.toJson()));
    JsonArray extrasJson = new JsonArray();
    extras.forEach(e -> extrasJson.add(e.toJson()));
    JsonObject metricsJson = new JsonObject();
    metrics.forEach((k, v) -> metricsJson.put(k, v.toJson()));
    JsonArray goalsJson = new JsonArray();
    goals.forEach(g -> goalsJson.add(g.toJson()));
    JsonObject json =
        new JsonObject()
            .put("name", name)
            .put("title", title)
            .put("status", status.name().toLowerCase(Locale.ROOT));
    if (reason != null) {
      json.put("reason", reason);
    }
    if (info != null) {
      json.put("info", info.toJson());
    }
    return json.put("runs", runsJson)
        .put("extras", extrasJson)
        .put("metrics", metricsJson)
        .put("goals", goalsJson);
  }

  /** Reads what {@link #toJson} wrote; the description is not stored (the section's text is). */
  public static SectionData fromJson(JsonObject json) {
    List<Run> runs = new ArrayList<>();
    json.getJsonArray("runs", new JsonArray()).forEach(o -> runs.add(Run.fromJson((JsonObject) o)));
    List<Extra> extras = new ArrayList<>();
    json.getJsonArray("extras", new JsonArray())
        .forEach(o -> extras.add(Extra.fromJson((JsonObject) o)));
    Map<String, Metric> metrics = new LinkedHashMap<>();
    json.getJsonObject("metrics", new JsonObject())
        .forEach(e -> metrics.put(e.getKey(), Metric.fromJson((JsonObject) e.getValue())));
    List<Goal> goals = new ArrayList<>();
    json.getJsonArray("goals", new JsonArray())
        .forEach(o -> goals.add(Goal.fromJson((JsonObject) o)));
    JsonObject info = json.getJsonObject("info");
    return new SectionData(
        json.getString("name"),
        json.getString("title"),
        null,
        Status.valueOf(json.getString("status", "ran").toUpperCase(Locale.ROOT)),
        json.getString("reason"),
        info == null ? null : RunInfo.fromJson(info),
        runs,
        extras,
        metrics,
        goals);
  }
}
