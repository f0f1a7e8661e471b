package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/**
 * When and how a scenario's section was measured: sections from several runs can sit in one report,
 * so each names its own date, commit and settings.
 *
 * @param date UTC, {@code 2026-11-27 04:15}
 * @param commit the px-kvstore commit measured, with a note if the tree had changes
 * @param quick a smoke-test run (short runs, small key counts): not evidence
 * @param settings the wrk and warm-up settings, Markdown
 * @param loadStart load average when the scenario started
 * @param loadEnd load average when it ended
 * @param results where the raw outputs were kept (not committed)
 */
public record RunInfo(
    String date,
    String commit,
    boolean quick,
    String settings,
    String loadStart,
    String loadEnd,
    String results) {

  JsonObject toJson() {
    return new JsonObject()
        .put("date", date)
        .put("commit", commit)
        .put("quick", quick)
        .put("settings", settings)
        .put("loadStart", loadStart)
        .put("loadEnd", loadEnd)
        .put("results", results);
  }

  static RunInfo fromJson(JsonObject json) {
    return new RunInfo(
        json.getString("date"),
        json.getString("commit"),
        json.getBoolean("quick", false),
        json.getString("settings"),
        json.getString("loadStart"),
        json.getString("loadEnd"),
        json.getString("results"));
  }
}
