package io.pxkv.common.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyPaths;
import io.vertx.core.http.HttpHeaders;
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

  /**
   * A {@code 405} naming the method, the path and what is allowed; sets the {@code Allow} header to
   * {@code allowed}, which a client needs to correct itself.
   */
  public static KvException methodNotAllowed(HttpServerRequest request, String allowed) {
    request.response().putHeader(HttpHeaders.ALLOW, allowed);
    return new KvException(
        ErrorCode.METHOD_NOT_ALLOWED,
        request.method().name()
            + " is not allowed on "
            + request.path()
            + " (allowed: "
            + allowed
            + ")");
  }

  /**
   * True when the request declares a body: a Content-Length other than 0, or (without one) a
   * Transfer-Encoding.
   */
  public static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(Headers.CONTENT_LENGTH);
    if (length != null) {
      return !length.equals("0");
    }
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /**
   * The {@code key} query parameter (its first occurrence), decoded strictly: a bad escape or bytes
   * that are not well-formed UTF-8 are {@code invalid_key} ({@link KeyPaths#decodeQueryValue}),
   * where Vert.x's own decoder would put U+FFFD in their place and look up another key. {@code
   * null} when the query has no {@code key}.
   */
  public static String keyParam(HttpServerRequest request) {
    return strictParam(request.query(), "key");
  }

  /**
   * The first value of parameter {@code name} in a raw {@code query}, decoded strictly; parameters
   * are separated by {@code &} or {@code ;}, as Vert.x separates them. No map of every parameter is
   * built: a cached GET is cheap enough for that to show.
   */
  static String strictParam(String query, String name) {
    if (query == null) return null;
    int at = 0;
    while (at <= query.length()) {
      int end = at;
      int equals = -1;
      for (char c; end < query.length() && (c = query.charAt(end)) != '&' && c != ';'; end++) {
        if (c == '=' && equals < 0) equals = end;
      }
      int nameEnd = equals < 0 ? end : equals;
      if (nameEnd - at == name.length() && query.startsWith(name, at)) {
        String raw = equals < 0 ? "" : query.substring(equals + 1, end);
        return KeyPaths.decodeQueryValue(raw, name);
      }
      at = end + 1;
    }
    return null;
  }

  /** A {@code 404} for a path that is not part of the API. */
  public static KvException noSuchPath(HttpServerRequest request) {
    return new KvException(ErrorCode.NOT_FOUND, "no such resource: " + request.path());
  }
}
