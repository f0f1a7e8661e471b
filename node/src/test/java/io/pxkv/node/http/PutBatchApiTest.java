package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/put-batch} against a real node: each entry is stored and answered exactly
 * as the same PUT sent alone, and a batch the node cannot read changes nothing.
 */
class PutBatchApiTest {
  private static final int MAX_VALUE = 4096;
  @TempDir static Path dataDir;
  static TestNode node;
  static NodeClient client;
  static String base;
  static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-b", dataDir, MAX_VALUE);
    client = node.client();
    base = "http://127.0.0.1:" + node.port();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private record Put(PutBatch.Form form, String key, String body) {
    /** The same PUT sent alone, the way a client sends it. */
    HttpResponse<String> alone() {
      return form == PutBatch.Form.PATH
          ? client.send("PUT", "/kv/" + NodeClient.pathEncode(key), body)
          : client.send("PUT", "/kv", body);
    }
  }

  @Test
  void eachEntryIsStoredAndAnsweredAsThatPutAlone() throws Exception {
    long tooLargeBody = new ValueLimits(MAX_VALUE, 8).maxBodyBytes() + 1;
    List<Put> puts =
        List.of(
            new Put(PutBatch.Form.PATH, "batch-a", "{\"n\":1}"),
            new Put(PutBatch.Form.BODY, "batch-b", "{\"key\":\"batch-b\",\"value\":[1, 2]}"),
            new Put(PutBatch.Form.PATH, "batch-a", "[2]"),
            new Put(PutBatch.Form.PATH, "clé é/ü", "\"unicode\""),
            // Refused entries, each with the error the PUT alone gets, and nothing stored:
            new Put(PutBatch.Form.PATH, "bad-json", "{\"a\":"),
            new Put(PutBatch.Form.PATH, "no-value", ""),
            new Put(PutBatch.Form.PATH, "", "1"),
            new Put(PutBatch.Form.PATH, "too-deep", "[[[[[[[[[[1]]]]]]]]]]"),
            new Put(PutBatch.Form.PATH, "too-large", "\"" + "v".repeat(MAX_VALUE) + "\""),
            new Put(
                PutBatch.Form.PATH,
                "body-too-large",
                "\"" + "v".repeat((int) tooLargeBody - 2) + "\""),
            new Put(PutBatch.Form.BODY, "no-key", "{\"value\":1}"),
            new Put(PutBatch.Form.PATH, "batch-c", "true"));

    HttpResponse<byte[]> batch = post(request(puts));
    assertEquals(200, batch.statusCode());
    assertEquals(PutBatch.CONTENT_TYPE, batch.headers().firstValue("content-type").orElse(""));
    List<PutBatch.Answer> answers =
        PutBatch.decodeAnswers(Buffer.buffer(batch.body()), puts.size());

    assertEquals(201, answers.get(0).status());
    assertEquals(201, answers.get(1).status());
    assertEquals(
        200, answers.get(2).status(), "the second PUT of batch-a in one batch replaces the first");
    long first = new JsonObject(answers.get(0).body()).getLong("version");
    long second = new JsonObject(answers.get(2).body()).getLong("version");
    assertTrue(second > first);
    assertEquals(
        "{\"key\":\"batch-a\",\"value\":[2],\"version\":" + second + "}",
        answers.get(2).body().toString());
    assertEquals(
        answers.get(2).body().toString(),
        client.getKey("batch-a").body(),
        "a GET sees what the PUT answered");
    assertEquals(
        "{\"key\":\"batch-b\",\"value\":[1,2],\"version\":"
            + new JsonObject(answers.get(1).body()).getLong("version")
            + "}",
        client.getKey("batch-b").body());
    assertEquals("unicode", new JsonObject(client.getKey("clé é/ü").body()).getString("value"));
    assertEquals(201, answers.get(11).status());

    for (int i = 4; i <= 10; i++) {
      Put put = puts.get(i);
      HttpResponse<String> alone = put.alone();
      assertTrue(alone.statusCode() >= 400, put + " alone: " + alone.body());
      assertEquals(alone.statusCode(), answers.get(i).status(), put.key());
      assertEquals(alone.body(), answers.get(i).body().toString(), put.key());
      if (!put.key().isEmpty()) assertEquals(404, client.getKey(put.key()).statusCode(), put.key());
    }
  }

  @Test
  void aBatchTheNodeCannotReadIsRefusedWholeAndStoresNothing() throws Exception {
    Buffer cut =
        request(
            List.of(
                new Put(PutBatch.Form.PATH, "cut-a", "1"),
                new Put(PutBatch.Form.PATH, "cut-b", "2")));
    HttpResponse<byte[]> refused = post(cut.getBuffer(0, cut.length() - 1));
    assertEquals(400, refused.statusCode());
    assertEquals(
        "{\"error\":\"invalid_request\",\"message\":\"malformed put batch: entry 1 is cut short\"}",
        new String(refused.body(), StandardCharsets.UTF_8));
    assertEquals(404, client.getKey("cut-a").statusCode(), "no entry of a refused batch is stored");

    assertEquals(405, client.get(PutBatch.PATH).statusCode());
    HttpResponse<byte[]> tooLarge = post(Buffer.buffer(new byte[PutBatch.MAX_BATCH_BYTES + 1]));
    assertEquals(413, tooLarge.statusCode());
    assertTrue(new String(tooLarge.body(), StandardCharsets.UTF_8).contains("\"body_too_large\""));

    HttpResponse<byte[]> empty = post(Buffer.buffer());
    assertEquals(200, empty.statusCode());
    assertEquals(0, empty.body().length);
  }

  private static Buffer request(List<Put> puts) {
    Buffer request = Buffer.buffer();
    for (Put put : puts) {
      PutBatch.appendEntry(
          request,
          put.form(),
          put.key().getBytes(StandardCharsets.UTF_8),
          Buffer.buffer(put.body()));
    }
    return request;
  }

  private static HttpResponse<byte[]> post(Buffer body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + PutBatch.PATH))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", PutBatch.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes()))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }
}
