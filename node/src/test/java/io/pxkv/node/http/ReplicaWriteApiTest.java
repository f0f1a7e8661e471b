package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.RecordBatch;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/replicate} on a real node: a replicated write is stored with the router's
 * version and writer only when newer, and the answer names the state it replaced or the newer write
 * that beat it.
 */
class ReplicaWriteApiTest {
  private static final int ROUTER = 0x7abc1234;
  @TempDir static Path dataDir;
  static TestNode node;
  static NodeClient client;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-r", dataDir, 4096);
    client = node.client();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static JsonObject replicate(String key, String valueOrNull, long version)
      throws Exception {
    Buffer body =
        RecordBatch.append(
            Buffer.buffer(),
            key.getBytes(StandardCharsets.UTF_8),
            valueOrNull == null ? null : valueOrNull.getBytes(StandardCharsets.UTF_8),
            version,
            ROUTER);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/internal/replicate"))
                .header("Content-Type", RecordBatch.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("results").getJsonObject(0);
  }

  @Test
  void aNewerWriteIsAppliedAndNamesWhatItReplaced() throws Exception {
    JsonObject first = replicate("a", "{\"x\": 1}", 1000);
    assertTrue(first.getBoolean("applied"));
    assertEquals("absent", first.getString("prior"));
    JsonObject second = replicate("a", "2", 2000);
    assertTrue(second.getBoolean("applied"));
    assertEquals("live", second.getString("prior"));
    assertEquals(1000L, second.getLong("version"));
    assertEquals(Integer.toUnsignedLong(ROUTER), second.getLong("writer"));
    HttpResponse<String> read = client.get("/kv?key=a");
    assertEquals(200, read.statusCode());
    assertEquals(2000L, new JsonObject(read.body()).getLong("version"));
    assertEquals(2, new JsonObject(read.body()).getInteger("value"));
  }

  @Test
  void anOlderWriteIsRefusedNamingTheNewerOne() throws Exception {
    replicate("b", "\"new\"", 5000);
    JsonObject old = replicate("b", "\"old\"", 4000);
    assertFalse(old.getBoolean("applied"));
    assertEquals("live", old.getString("prior"));
    assertEquals(5000L, old.getLong("version"));
    assertEquals("new", new JsonObject(client.get("/kv?key=b").body()).getString("value"));
  }

  @Test
  void aTombstoneDeletesAndLaterBlocksAnOlderValue() throws Exception {
    replicate("c", "1", 100);
    JsonObject delete = replicate("c", null, 200);
    assertTrue(delete.getBoolean("applied"));
    assertEquals("live", delete.getString("prior"));
    assertEquals(404, client.get("/kv?key=c").statusCode());
    JsonObject late = replicate("c", "1", 150);
    assertFalse(late.getBoolean("applied"));
    assertEquals("deleted", late.getString("prior"));
    assertEquals(200L, late.getLong("version"));
  }

  @Test
  void aMalformedBodyIsA400() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/internal/replicate"))
                .header("Content-Type", RecordBatch.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("\"error\":\"invalid_request\""), r.body());
  }
}
