package io.pxkv.router.query;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.query.IndexQuery;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Where a paged {@code GET /query} stands: the position (indexed value, key) of the last pair it
 * consumed (the next page lists pairs strictly after it) and the query it belongs to. It names no
 * node, so a page routed by a newer view resumes at the same place. Sent as base64url JSON; opaque
 * to clients.
 */
record QueryCursor(Object value, String key, IndexQuery query) {
  String encode() {
    JsonObject json = new JsonObject().put("v", value).put("k", key).put("i", query.index());
    if (query.min() != null) json.put("n", query.min());
    if (query.max() != null) json.put("x", query.max());
    if (query.eq() != null) json.put("e", query.eq());
    if (query.prefix() != null) json.put("p", query.prefix());
    return Cursors.encode(json.encode());
  }

  /**
   * A cursor this router gave out for {@code query} (over a number index if {@code numbers});
   * anything else is 400 invalid_cursor.
   */
  static QueryCursor decode(String raw, IndexQuery query, boolean numbers) {
    JsonObject json;
    try {
      json = new JsonObject(Cursors.decode(raw));
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw notOurs();
    }
    Object v = json.getValue("v");
    Object k = json.getValue("k");
    if (!(k instanceof String key) || !(v instanceof Number || v instanceof String)) {
      throw notOurs();
    }
    Object value = v instanceof Number n ? (Object) n.doubleValue() : v;
    boolean same =
        query.index().equals(json.getValue("i"))
            && Objects.equals(query.min(), number(json.getValue("n")))
            && Objects.equals(query.max(), number(json.getValue("x")))
            && Objects.equals(query.eq(), json.getValue("e"))
            && Objects.equals(query.prefix(), json.getValue("p"));
    if (!same || numbers != value instanceof Double) {
      throw new KvException(
          ErrorCode.INVALID_CURSOR,
          "cursor was given out for another query: pass it back with the parameters it came with");
    }
    return new QueryCursor(value, key, query);
  }

  private static Double number(Object raw) {
    return raw instanceof Number n ? n.doubleValue() : null;
  }

  private static KvException notOurs() {
    return new KvException(ErrorCode.INVALID_CURSOR, "cursor is not one this router gave out");
  }
}
