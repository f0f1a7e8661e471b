package io.pxkv.common.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** Request checks shared by the node's and the router's dispatchers. */
public final class Requests {
  private Requests() {}

  /**
   * Throws {@code 405 method_not_allowed} (with an {@code Allow} header) unless the method is
   * {@code allowed}.
   */
  public static void requireMethod(HttpServerRequest request, HttpMethod allowed) {
    if (request.method() != allowed) {
      throw methodNotAllowed(request, allowed.name());
    }
  }

  /** A {@code 405} naming the method and path; sets the {@code Allow} header to {@code allowed}. */
  public static KvException methodNotAllowed(HttpServerRequest request, String allowed) {
    request.response().putHeader("Allow", allowed);
    return new KvException(
        ErrorCode.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + request.path());
  }

  /**
   * The {@code key} query parameter, decoded. A query that is exactly {@code key=<plain text>} (no
   * escapes, separators or '+') is its own decoded form, so the common case skips decoding the
   * whole query into a map (a measurable share of a cached GET); anything else goes through
   * Vert.x's decoder.
   */
  public static String keyParam(HttpServerRequest request) {
    String query = request.query();
    if (query != null && query.startsWith("key=")) {
      boolean plain = true;
      for (int i = 4; i < query.length() && plain; i++) {
        char c = query.charAt(i);
        plain = c != '%' && c != '+' && c != '&' && c != ';' && c != '=';
      }
      if (plain) {
        return query.substring(4);
      }
    }
    return request.getParam("key");
  }

  /** A {@code 404} for a path that is not part of the API. */
  public static KvException noSuchPath(HttpServerRequest request) {
    return new KvException(ErrorCode.NOT_FOUND, "no such resource: " + request.path());
  }
}
