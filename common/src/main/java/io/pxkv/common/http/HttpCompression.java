package io.pxkv.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Which answers the servers gzip ({@link ServerOptions#http}: those to clients sending {@code
 * Accept-Encoding: gzip}). Over HTTP/2 (h2c), Vert.x 5 sends a streamed answer's chunks
 * uncompressed under a {@code Content-Encoding: gzip} head, which the client cannot read; so HTTP/2
 * answers go uncompressed ({@code Content-Encoding: identity} turns the compressor off).
 */
public final class HttpCompression {
  private HttpCompression() {}

  /** Call first thing for every request. */
  public static void onRequest(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
  }
}
