package io.pxkv.bench.report;

import io.vertx.core.json.JsonObject;

/**
 * One row of the goals table: a number ({@code value}), optionally divided by a baseline, and
 * optionally a target it is judged against. Without a target the row is shown without a verdict. A
 * goal belongs to the section of the scenario that states it; its numbers may come from other
 * sections (the node against the bare server).
 */
public record Goal(String label, Ref value, Ref base, Target target) {

  /** {@code value / base}, judged against {@code target} (null: shown without a verdict). */
  public static Goal ratio(String label, Ref value, Ref base, Target target) {
    return new Goal(label, value, base, target);
  }

  /** {@code value} alone, judged against {@code target}. */
  public static Goal value(String label, Ref value, Target target) {
    return new Goal(label, value, null, target);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("label", label).put("value", value.toJson());
    if (base != null) {
      json.put("base", base.toJson());
    }
    if (target != null) {
      json.put("target", target.toJson());
    }
    return json;
  }

  static Goal fromJson(JsonObject json) {
    return new Goal(
        json.getString("label"),
        Ref.fromJson(json.getJsonObject("value")),
        Ref.fromJson(json.getJsonObject("base")),
        Target.fromJson(json.getJsonObject("target")));
  }
}
