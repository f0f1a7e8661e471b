package io.pxkv.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.router.client.NodeReply;
import io.pxkv.router.routing.NodeAnswers.Held;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** A node's {@code /internal/read} answers, as the router takes them apart from their end. */
class NodeAnswersTest {
  private static NodeReply reply(int status, String body) {
    return new NodeReply(status, "application/json", Buffer.buffer(body));
  }

  @Test
  void aLiveValueWithAnExpiryIsLiveAndKeepsItsExpiryForTheClient() {
    String body =
        "{\"key\":\"k\",\"value\":{\"writer\":1},\"version\":17,\"writer\":4294967295,"
            + "\"expiresAt\":\"2026-12-05T10:00:00.000Z\"}";
    assertEquals(new Held(Held.State.LIVE, 17, -1), NodeAnswers.held(reply(200, body)));
    assertEquals(
        "{\"key\":\"k\",\"value\":{\"writer\":1},\"version\":17,"
            + "\"expiresAt\":\"2026-12-05T10:00:00.000Z\"}",
        NodeAnswers.withoutWriter(Buffer.buffer(body)).toString());
  }

  @Test
  void aLiveValueWithoutExpiryLosesOnlyItsWriter() {
    String body = "{\"key\":\"k\",\"value\":\"v\",\"version\":5,\"writer\":3}";
    assertEquals(new Held(Held.State.LIVE, 5, 3), NodeAnswers.held(reply(200, body)));
    assertEquals(
        "{\"key\":\"k\",\"value\":\"v\",\"version\":5}",
        NodeAnswers.withoutWriter(Buffer.buffer(body)).toString());
  }

  @Test
  void aValueEndingInWideCharactersIsCutAtTheRightByte() {
    String value = "\"" + "é€".repeat(40) + "\"";
    String body =
        "{\"key\":\"k\",\"value\":"
            + value
            + ",\"version\":5,\"writer\":3,"
            + "\"expiresAt\":\"2026-12-05T10:00:00.000Z\"}";
    assertEquals(
        "{\"key\":\"k\",\"value\":"
            + value
            + ",\"version\":5,"
            + "\"expiresAt\":\"2026-12-05T10:00:00.000Z\"}",
        NodeAnswers.withoutWriter(Buffer.buffer(body)).toString());
  }

  @Test
  void tombstonesAndAbsentKeys() {
    assertEquals(
        new Held(Held.State.DELETED, 9, 2),
        NodeAnswers.held(
            reply(
                404,
                "{\"error\":\"not_found\",\"message\":\"m\",\"deleted\":true,\"version\":9,"
                    + "\"writer\":2}")));
    assertEquals(
        Held.State.ABSENT,
        NodeAnswers.held(reply(404, "{\"error\":\"not_found\",\"message\":\"m\"}")).state());
  }
}
