package io.pxkv.router.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;

/**
 * Writes an HTTP/1.1 request to a node as bytes: the request line, Host, the cluster secret, the
 * view's tag, the body's headers.
 */
final class RequestEncoder {
  private RequestEncoder() {}

  /**
   * {@code uri} must be a request target as the router received it (Vert.x parsed it, so it holds
   * no spaces or line breaks); {@code hostHeader} is {@code host:port}; {@code authorization} is
   * null or the {@code Authorization} header value (a checked secret: no line breaks).
   */
  static Buffer encode(
      ViewTag tag,
      HttpMethod method,
      String uri,
      String hostHeader,
      String authorization,
      String contentType,
      Buffer body) {
    StringBuilder head = new StringBuilder(64 + uri.length());
    head.append(method.name())
        .append(' ')
        .append(uri)
        .append(" HTTP/1.1\r\nHost: ")
        .append(hostHeader)
        .append("\r\n");
    if (authorization != null) head.append("Authorization: ").append(authorization).append("\r\n");
    if (tag != null) head.append(tag.headerLines());
    if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
    if (body != null) head.append("Content-Length: ").append(body.length()).append("\r\n");
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    Buffer out = Buffer.buffer(headBytes.length + (body == null ? 0 : body.length()));
    out.appendBytes(headBytes);
    if (body != null) out.appendBuffer(body);
    return out;
  }
}
