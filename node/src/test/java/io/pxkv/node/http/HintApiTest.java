package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.testing.Await;
import io.pxkv.node.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/hints} on real nodes: a stand-in keeps a write another node missed and
 * hands it over to that node with {@code /internal/replicate}, where the newer version wins; bad
 * calls get a clear error and keep nothing.
 */
class HintApiTest {
  private static final int ROUTER = 0x5eed;
  @TempDir static Path standInDir;
  @TempDir static Path targetDir;
  static TestNode standIn;
  static TestNode target;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    standIn = TestNode.start("stand-in", standInDir, 4096);
    target = TestNode.start("target", targetDir, 4096);
  }

  @AfterAll
  static void stop() throws Exception {
    standIn.close();
    target.close();
  }

  private static Buffer record(Buffer batch, String key, String valueOrNull, long version) {
    return RecordBatch.append(
        batch,
        key.getBytes(StandardCharsets.UTF_8),
        valueOrNull == null ? null : valueOrNull.getBytes(StandardCharsets.UTF_8),
        version,
        ROUTER);
  }

  private static HttpResponse<String> post(int port, String uri, String type, byte[] body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + uri))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String hintsFor(String node, String url) {
    return "/internal/hints?node="
        + URLEncoder.encode(node, StandardCharsets.UTF_8)
        + "&url="
        + URLEncoder.encode(url, StandardCharsets.UTF_8);
  }

  private static JsonObject hintStats(TestNode node) throws Exception {
    HttpResponse<String> r = node.client().get("/admin/stats");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonObject("hints");
  }

  @Test
  void hintsAreHandedOverAndTheNewerVersionWinsOnTheTarget() throws Exception {
    // The target already holds a newer write of "newer" and an older one of "old".
    Buffer held = record(Buffer.buffer(), "newer", "\"target's\"", 5_000);
    record(held, "old", "\"stale\"", 1_000);
    assertEquals(
        200,
        post(target.port(), "/internal/replicate", RecordBatch.CONTENT_TYPE, held.getBytes())
            .statusCode());
    Buffer hints = record(Buffer.buffer(), "fresh", "{\"a\":1}", 2_000);
    record(hints, "newer", "\"hint's\"", 2_000);
    record(hints, "old", null, 2_000); // a delete the target missed
    HttpResponse<String> r =
        post(
            standIn.port(),
            hintsFor("target", "http://127.0.0.1:" + target.port()),
            RecordBatch.CONTENT_TYPE,
            hints.getBytes());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(3, new JsonObject(r.body()).getInteger("stored"));
    Await.until(
        "the hints handed over",
        Duration.ofSeconds(10),
        () -> {
          try {
            JsonObject stats = hintStats(standIn);
            return !stats.getJsonObject("pendingByNode").containsKey("target")
                && stats.getLong("delivered") >= 3;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    HttpResponse<String> fresh = target.client().get("/kv?key=fresh");
    assertEquals(200, fresh.statusCode());
    assertEquals(2_000L, new JsonObject(fresh.body()).getLong("version"));
    assertEquals(
        "target's", new JsonObject(target.client().get("/kv?key=newer").body()).getString("value"));
    assertEquals(404, target.client().get("/kv?key=old").statusCode());
    // The stand-in kept them apart from its own keys.
    assertEquals(404, standIn.client().get("/kv?key=fresh").statusCode());
  }

  @Test
  void hintsForANodeThatIsDownWaitForIt() throws Exception {
    HttpResponse<String> r =
        post(
            standIn.port(),
            hintsFor("gone", "http://127.0.0.1:1"),
            RecordBatch.CONTENT_TYPE,
            record(Buffer.buffer(), "k", "1", 10).getBytes());
    assertEquals(200, r.statusCode(), r.body());
    Await.until(
        "a handover to it tried and failed",
        Duration.ofSeconds(10),
        () -> gone().getString("lastError") != null);
    assertEquals(1L, gone().getLong("hints"), "kept for when it answers: " + gone());
  }

  private static JsonObject gone() {
    try {
      return hintStats(standIn).getJsonObject("pendingByNode").getJsonObject("gone");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void badCallsGetAClearErrorAndKeepNothing() throws Exception {
    long before = hintStats(standIn).getLong("received");
    byte[] one = record(Buffer.buffer(), "k", "1", 10).getBytes();
    String type = RecordBatch.CONTENT_TYPE;
    String good = "http://127.0.0.1:9";
    String[][] cases = {
      {"/internal/hints?url=" + good, type, "node must name"},
      {hintsFor("x", "ftp://h:1"), type, "url"},
      {"/internal/hints?node=x", type, "url"},
      {hintsFor("stand-in", good), type, "itself"},
      {hintsFor("x", good), "application/json", "application/x-pxkv-records"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(standIn.port(), c[0], c[1], one);
      assertTrue(r.statusCode() == 400 || r.statusCode() == 415, c[0] + " " + r.body());
      JsonObject error = new JsonObject(r.body());
      assertTrue(error.getString("message").contains(c[2]), c[0] + " " + r.body());
    }
    HttpResponse<String> torn =
        post(standIn.port(), hintsFor("x", good), type, new byte[] {1, 0, 0});
    assertEquals(400, torn.statusCode(), torn.body());
    assertEquals("invalid_request", new JsonObject(torn.body()).getString("error"));
    assertEquals(before, hintStats(standIn).getLong("received"));
  }
}
