package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;

/**
 * Follows a paged listing ({@code GET /kv?...} or {@code GET /query?...}) from its first page to
 * the last, printing each item as it comes: its key (and value), or with {@code --json} the item as
 * the router sent it, one per line. A page may be short, even empty, and still have a cursor (a
 * sparse glob): the cursor is followed all the same.
 */
final class Pages {
  private Pages() {}

  /**
   * Prints every item of the listing at {@code path} with {@code query} (without {@code limit} and
   * {@code cursor}, which this adds); returns how many.
   */
  static long print(
      RouterClient router,
      String path,
      String query,
      PageOptions options,
      boolean json,
      PrintStream out)
      throws CliException {
    options.check();
    long printed = 0;
    String cursor = null;
    do {
      long left = options.limit == null ? Long.MAX_VALUE : options.limit - printed;
      int size = (int) Math.min(options.pageSize, left);
      String uri =
          path
              + "?"
              + query
              + "&limit="
              + size
              + (cursor == null ? "" : "&cursor=" + UrlParts.query(cursor));
      RouterClient.Reply page = router.get(uri);
      for (String item : RawJson.elements(page.body(), "items")) {
        out.println(json ? item : line(item, options.values));
        printed++;
      }
      cursor = page.json().getString("cursor");
    } while (cursor != null && (options.limit == null || printed < options.limit));
    return printed;
  }

  /** {@code key}, or {@code key<TAB>value} (with {@code <TAB>score} before the value if any). */
  static String line(String item, boolean values) throws CliException {
    String key = new JsonObject(item).getString("key");
    if (!values) return key;
    String score = RawJson.member(item, "score");
    return key + "\t" + (score == null ? "" : score + "\t") + RawJson.member(item, "value");
  }
}
