package io.pxkv.common.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Answers with a JSON body and its length. */
public final class JsonResponses {
  private JsonResponses() {}

  /** A {@code status} answer with the JSON {@code body}. */
  public static void send(HttpServerResponse response, int status, Buffer body) {
    response
        .setStatusCode(status)
        .putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
        .putHeader(Headers.CONTENT_LENGTH, String.valueOf(body.length()))
        .end(body);
  }

  /** A 200 with {@code body}. */
  public static void ok(HttpServerResponse response, JsonObject body) {
    send(response, 200, body.toBuffer());
  }
}
