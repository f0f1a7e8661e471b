package io.pxkv.common.http;

import static java.lang.System.Logger.Level.ERROR;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KvJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Turns any failure into the JSON error body of the contract, {@code {"error":..,"message":..}}, in
 * one place. Unexpected exceptions become {@code 500 internal} and are logged once with their stack
 * trace; the client never sees one.
 */
public final class ErrorResponses {
  private static final System.Logger log = System.getLogger(ErrorResponses.class.getName());

  private ErrorResponses() {}

  public static void send(HttpServerResponse response, Throwable failure) {
    KvException e = toKvException(failure);
    if (response.headWritten()) {
      // Too late for a status: the only honest signal left is to cut the connection.
      response.reset();
      return;
    }
    Buffer body = body(e.code(), e.getMessage());
    response
        .setStatusCode(e.code().status())
        .putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
        .putHeader(Headers.CONTENT_LENGTH, String.valueOf(body.length()));
    if (e.code() == ErrorCode.BODY_TOO_LARGE) {
      // The rest of the body was not read; the connection cannot be reused.
      response.putHeader(Headers.CONNECTION, "close");
    }
    response.end(body);
  }

  public static KvException toKvException(Throwable failure) {
    if (failure instanceof KvException e) {
      return e;
    }
    if (failure != null && failure.getCause() instanceof KvException e) {
      return e;
    }
    log.log(ERROR, "Unexpected failure while serving a request", failure);
    return new KvException(ErrorCode.INTERNAL, "internal error; see the server log");
  }

  public static Buffer body(ErrorCode code, String message) {
    Buffer b = Buffer.buffer(64 + message.length());
    b.appendString("{\"error\":")
        .appendBytes(KvJson.quote(code.code()))
        .appendString(",\"message\":")
        .appendBytes(KvJson.quote(message))
        .appendString("}");
    return b;
  }
}
