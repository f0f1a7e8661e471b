package io.pxkv.common.http;

import io.vertx.core.http.HttpHeaders;

/** Header names and values used on every response, interned once. */
public final class Headers {
  public static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  public static final CharSequence CONTENT_LENGTH = HttpHeaders.CONTENT_LENGTH;
  public static final CharSequence CONNECTION = HttpHeaders.CONNECTION;
  public static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");
  public static final CharSequence APPLICATION_NDJSON =
      HttpHeaders.createOptimized("application/x-ndjson");

  private Headers() {}
}
