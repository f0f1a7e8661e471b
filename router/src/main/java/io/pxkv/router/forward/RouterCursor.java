package io.pxkv.router.forward;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Where a paged cluster listing stands: the last key it consumed, in {@link
 * io.pxkv.common.kv.KeyOrder#UTF8} order (the next page lists keys strictly after it), and the
 * prefix it was given for. It names no node, so a page routed by a newer view (nodes added,
 * removed, keys moved) resumes at the same place. Sent to clients as base64url of {@code
 * {"a":"user:042","p":"user:"}}; to them it is opaque.
 *
 * @param after the last key consumed
 * @param prefix the listing's prefix, "" for none
 */
record RouterCursor(String after, String prefix) {

  String encode() {
    JsonObject json = new JsonObject().put("a", after);
    if (!prefix.isEmpty()) json.put("p", prefix);
    return Cursors.encode(json.encode());
  }

  /**
   * Decodes a cursor this router gave out for {@code prefix}; anything else (including a cursor of
   * another prefix) is {@code 400 invalid_cursor}.
   */
  static RouterCursor decode(String raw, String prefix) {
    JsonObject json;
    try {
      json = new JsonObject(Cursors.decode(raw));
    } catch (DecodeException | ClassCastException e) {
      throw invalid("cursor is not one this router gave out");
    }
    if (!(json.getValue("a") instanceof String after) || after.isEmpty()) {
      throw invalid("cursor is not one this router gave out");
    }
    Object p = json.getValue("p", "");
    if (!(p instanceof String given)) throw invalid("cursor is not one this router gave out");
    if (!given.equals(prefix)) {
      throw invalid(
          "cursor was given out for prefix '"
              + given
              + "', not '"
              + prefix
              + "': pass it back"
              + " with the prefix of the listing it came from");
    }
    return new RouterCursor(after, given);
  }

  private static KvException invalid(String message) {
    return new KvException(ErrorCode.INVALID_CURSOR, message);
  }
}
