package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.http.HttpServerRequest;

/** The per-request quorums {@code ?w=N} and {@code ?r=N}: whole numbers 1..copies. */
public final class Quorums {
  private Quorums() {}

  /** The quorum {@code name} of {@code request}, or {@code otherwise} when it has none. */
  public static int param(HttpServerRequest request, String name, int otherwise, int copies) {
    String raw = request.getParam(name);
    if (raw == null) return otherwise;
    int q;
    try {
      q = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      q = -1;
    }
    if (q < 1 || q > copies) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST,
          name
              + " must be a whole number 1.."
              + copies
              + " (the copies kept of each key) (was '"
              + (raw.length() > 20 ? raw.substring(0, 20) + "..." : raw)
              + "')");
    }
    return q;
  }
}
