package io.pxkv.common.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The headers a router puts on every request it sends a node: the id of its cluster and the epoch
 * of the view (layout) it routed the request by. A node refuses writes tagged with an epoch it has
 * fenced ({@code 409 stale_view}). A request without them (a client talking to a node directly) is
 * untagged: epoch 0, never refused for its view.
 */
public final class ViewHeaders {
  public static final CharSequence CLUSTER = HttpHeaders.createOptimized("X-Pxkv-Cluster");
  public static final CharSequence EPOCH = HttpHeaders.createOptimized("X-Pxkv-Epoch");

  private ViewHeaders() {}

  /**
   * The request's epoch tag: its {@code X-Pxkv-Epoch} header as a number, 0 when absent.
   *
   * @throws KvException {@code 400 invalid_request} when the header is not a whole number >= 0
   */
  public static long epochOf(HttpServerRequest request) {
    String raw = request.getHeader(EPOCH);
    if (raw == null) return 0;
    try {
      long epoch = Long.parseLong(raw.trim());
      if (epoch >= 0) return epoch;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new KvException(
        ErrorCode.INVALID_REQUEST,
        "header " + EPOCH + " must be a whole number >= 0 (was '" + shorten(raw) + "')");
  }

  private static String shorten(String raw) {
    return raw.length() > 32 ? raw.substring(0, 32) + "..." : raw;
  }
}
