package io.pxkv.router;

import io.pxkv.common.http.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the router's OpenAPI document, docs/openapi.yaml, which the build puts
 * in the jar beside this class. Read once, when the class loads, so serving it never touches the
 * disk on the event loop.
 */
final class OpenApiDocument {
  static final String RESOURCE = "openapi.yaml";
  static final String CONTENT_TYPE = "application/yaml";

  private static final Buffer BYTES = load();

  private OpenApiDocument() {}

  static void send(HttpServerResponse response) {
    response.setStatusCode(200).putHeader(Headers.CONTENT_TYPE, CONTENT_TYPE).end(BYTES);
  }

  private static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar (see router/pom.xml)");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
