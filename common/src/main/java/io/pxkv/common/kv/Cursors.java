package io.pxkv.common.kv;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Paging parameters of {@code GET /kv?prefix=&limit=&cursor=}: parsing and the limits. */
public final class Cursors {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private Cursors() {}

  /** True when any paging parameter is present: that selects the paged form of {@code GET /kv}. */
  public static boolean isPaged(String prefix, String limit, String cursor) {
    return prefix != null || limit != null || cursor != null;
  }

  public static int parseLimit(String raw) {
    if (raw == null) return DEFAULT_LIMIT;
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) return limit;
    } catch (NumberFormatException e) {
      // reported below with the rule
    }
    throw new KvException(
        ErrorCode.INVALID_LIMIT,
        "limit must be a whole number in 1.." + MAX_LIMIT + " (was '" + raw + "')");
  }

  /** An opaque cursor for text (base64url, no padding). */
  public static String encode(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes {@link #encode}; anything else is {@code invalid_cursor}. */
  public static String decode(String cursor) {
    try {
      String text = Utf8.decodeStrict(Base64.getUrlDecoder().decode(cursor));
      if (text != null && !text.isEmpty()) return text;
    } catch (IllegalArgumentException e) {
      // not base64url: reported below
    }
    throw new KvException(ErrorCode.INVALID_CURSOR, "cursor is not one this server gave out");
  }
}
