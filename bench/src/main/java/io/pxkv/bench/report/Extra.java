package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/** A number or fact that is not a wrk run (a restart time, keys moved), Markdown in both cells. */
public record Extra(String label, String value) {
  JsonObject toJson() {
    return new JsonObject().put("label", label).put("value", value);
  }

  static Extra fromJson(JsonObject json) {
    return new Extra(json.getString("label"), json.getString("value"));
  }
}
