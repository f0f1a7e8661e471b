package io.pxkv.common.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a byte limit. A declared Content-Length over the limit is refused
 * before a byte is read; a chunked body is refused as soon as it crosses the limit, and so is a
 * compressed one (the server inflates it as it arrives), counted in inflated bytes.
 */
public final class BodyReader {
  private BodyReader() {}

  public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
    String declared = request.getHeader(Headers.CONTENT_LENGTH);
    String encoding = request.getHeader("Content-Encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      // A compressed body's declared length says nothing of what it inflates to: count that.
      declared = null;
    }
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared);
      } catch (NumberFormatException e) {
        return Future.failedFuture(
            new KvException(ErrorCode.INVALID_REQUEST, "Content-Length is not a number"));
      }
      if (length > maxBytes) {
        return Future.failedFuture(tooLarge(maxBytes));
      }
      // The common case: a small body with a declared length. Vert.x buffers it for us.
      return request.body();
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(
        chunk -> {
          if (promise.future().isComplete()) return;
          if (body.length() + chunk.length() > maxBytes) {
            promise.tryFail(tooLarge(maxBytes));
            return;
          }
          body.appendBuffer(chunk);
        });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  /** The error for a body over {@code maxBytes}. */
  public static KvException tooLarge(long maxBytes) {
    return new KvException(
        ErrorCode.BODY_TOO_LARGE,
        "request body is larger than the limit of " + maxBytes + " bytes");
  }
}
