package io.pxkv.router.listing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Where a paged cluster listing stands: the last key it consumed, in {@link
 * io.pxkv.common.kv.KeyOrder#UTF8} order (the next page lists keys strictly after it), and the
 * listing it belongs to (its prefix, glob and range). It names no node, so a page routed by a newer
 * view (nodes added, removed, keys moved) resumes at the same place. Sent to clients as base64url
 * of {@code {"a":"user:042","p":"user:"}} (plus {@code "m"}, {@code "s"}, {@code "e"} for a glob, a
 * start, an end); to them it is opaque.
 *
 * @param after the last key consumed
 * @param prefix the listing's prefix, "" for none
 * @param match the listing's glob, or null
 * @param start the listing's start, or null
 * @param end the listing's end, or null
 */
record RouterCursor(String after, String prefix, String match, String start, String end) {

  RouterCursor(String after, ListingQuery query) {
    this(after, query.prefix(), query.match(), query.start(), query.end());
  }

  String encode() {
    JsonObject json = new JsonObject().put("a", after);
    if (!prefix.isEmpty()) json.put("p", prefix);
    if (match != null) json.put("m", match);
    if (start != null) json.put("s", start);
    if (end != null) json.put("e", end);
    return Cursors.encode(json.encode());
  }

  /**
   * Decodes a cursor this router gave out for {@code query}; anything else, including a cursor of
   * another listing, is {@code 400 invalid_cursor}.
   */
  static RouterCursor decode(String raw, ListingQuery query) {
    JsonObject json;
    try {
      json = new JsonObject(Cursors.decode(raw));
    } catch (DecodeException | ClassCastException e) {
      throw notOurs();
    }
    if (!(json.getValue("a") instanceof String after) || after.isEmpty()) throw notOurs();
    RouterCursor cursor =
        new RouterCursor(
            after,
            text(json, "p", ""),
            text(json, "m", null),
            text(json, "s", null),
            text(json, "e", null));
    RouterCursor expected = new RouterCursor(after, query);
    if (!cursor.equals(expected)) {
      throw new KvException(
          ErrorCode.INVALID_CURSOR,
          "cursor was given out for another listing ("
              + cursor.describe()
              + ", not "
              + expected.describe()
              + "): pass it back with the parameters of the listing it came from");
    }
    return cursor;
  }

  private String describe() {
    StringBuilder s = new StringBuilder("prefix '").append(prefix).append('\'');
    if (match != null) s.append(", match '").append(match).append('\'');
    if (start != null) s.append(", start '").append(start).append('\'');
    if (end != null) s.append(", end '").append(end).append('\'');
    return s.toString();
  }

  private static String text(JsonObject json, String field, String absent) {
    Object value = json.getValue(field);
    if (value == null) return absent;
    if (!(value instanceof String s)) throw notOurs();
    return s;
  }

  private static KvException notOurs() {
    return new KvException(ErrorCode.INVALID_CURSOR, "cursor is not one this router gave out");
  }
}
