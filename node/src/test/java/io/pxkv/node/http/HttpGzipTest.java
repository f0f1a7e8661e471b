package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings and exports are gzipped for clients that accept it; gzipped PUT bodies are inflated
 * within the body limit; /admin/stats shows what value compression did and what waits for it.
 */
class HttpGzipTest {
  private static final int MAX_VALUE = 256 * 1024;
  @TempDir static Path dataDir;
  static TestNode node;
  static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start("node-gz", dataDir, MAX_VALUE);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + node.port() + pathAndQuery);
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<byte[]> putGzipped(String key, byte[] body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri("/kv/" + key))
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(gzip(body))));
  }

  @Test
  void aGzippedPutBodyIsInflatedAndStored() throws Exception {
    String doc = "{\"items\":[" + "{\"status\":\"shipped\"},".repeat(300) + "{}]}";
    HttpResponse<byte[]> r = putGzipped("gz-put", doc.getBytes(StandardCharsets.UTF_8));
    assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    HttpResponse<String> got = node.client().getKey("gz-put");
    assertEquals(new JsonObject(doc), new JsonObject(got.body()).getJsonObject("value"));
  }

  @Test
  void aLargeValueIsDeflatedOffTheEventLoopAndReadsBack() throws Exception {
    // Over StorageService.OFF_LOOP_BYTES: queued, and deflated, from a kv-read worker.
    String doc = "{\"items\":[" + "{\"status\":\"shipped\",\"qty\":3},".repeat(6000) + "{}]}";
    assertTrue(doc.length() > 128 * 1024);
    assertEquals(201, node.client().put("gz-large", doc).statusCode());
    HttpResponse<String> got = node.client().getKey("gz-large");
    assertEquals(new JsonObject(doc), new JsonObject(got.body()).getJsonObject("value"));
  }

  @Test
  void aDecompressionBombIs413WithAJsonError() throws Exception {
    // 64 MiB of spaces gzip to about 64 KiB; the body limit is about 512 KiB inflated.
    byte[] bomb = new byte[64 << 20];
    java.util.Arrays.fill(bomb, (byte) ' ');
    HttpResponse<byte[]> r = putGzipped("gz-bomb", bomb);
    assertEquals(413, r.statusCode());
    JsonObject error = new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("body_too_large", error.getString("error"));
    assertEquals(404, node.client().getKey("gz-bomb").statusCode());
  }

  @Test
  void listingsAndExportsAreGzippedOnlyForClientsThatAcceptIt() throws Exception {
    for (int i = 0; i < 50; i++) {
      node.client().put("gz-list-" + i, "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(100) + "\"}");
    }
    for (String path : new String[] {"/kv?prefix=gz-list-&limit=100", "/kv", "/admin/export"}) {
      HttpResponse<byte[]> zipped =
          send(HttpRequest.newBuilder(uri(path)).header("Accept-Encoding", "gzip").GET());
      assertEquals(200, zipped.statusCode(), path);
      assertEquals(Optional.of("gzip"), zipped.headers().firstValue("Content-Encoding"), path);
      String text = gunzip(zipped.body());
      assertTrue(text.contains("gz-list-49"), path);
      assertTrue(zipped.body().length < text.length() / 2, path + " is smaller gzipped");
      HttpResponse<byte[]> plain = send(HttpRequest.newBuilder(uri(path)).GET());
      assertEquals(Optional.empty(), plain.headers().firstValue("Content-Encoding"), path);
      assertEquals(text, new String(plain.body(), StandardCharsets.UTF_8), path);
      // A client that upgrades to HTTP/2 (h2c) gets the same body, gzipped or not.
      HttpClient h2Client = HttpClient.newHttpClient();
      h2Client.send( // the upgrade: later requests ride HTTP/2 streams
          HttpRequest.newBuilder(uri("/admin/stats")).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      HttpResponse<byte[]> h2 =
          h2Client.send(
              HttpRequest.newBuilder(uri(path)).header("Accept-Encoding", "gzip").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      boolean h2Zipped = h2.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
      assertEquals(
          text,
          h2Zipped ? gunzip(h2.body()) : new String(h2.body(), StandardCharsets.UTF_8),
          path + " over " + h2.version());
      assertEquals(HttpClient.Version.HTTP_2, h2.version());
    }
  }

  @Test
  void statsShowTheRawBytesWaitingAndThenTheRatioCompactionDeflatedThemTo() throws Exception {
    String value = "{\"pad\":\"" + "abc".repeat(400) + "\"}";
    node.client().put("gz-stats", value);
    JsonObject before = compressionStats();
    assertEquals("deflate", before.getString("codec"));
    // Written as given: the value waits for compaction to deflate it.
    assertTrue(before.getLong("pendingRawBytes") >= value.length(), before.encode());
    assertTrue(before.getLong("writtenBytes") >= value.length(), before.encode());
    assertEquals(
        200, node.client().send("POST", "/admin/compact", null).statusCode(), "compaction ran");
    JsonObject after = compressionStats();
    assertEquals(0, after.getLong("pendingRawBytes"), after.encode());
    assertTrue(after.getLong("valuesCompressed") >= 1, after.encode());
    assertTrue(after.getLong("rawBytes") >= value.length(), after.encode());
    assertTrue(after.getDouble("ratio") < 0.1, after.encode());
    HttpResponse<String> read = node.client().getKey("gz-stats");
    assertEquals(200, read.statusCode());
    assertTrue(read.body().contains("abc".repeat(400)), "reads back inflated");
    JsonObject stats = new JsonObject(node.client().send("GET", "/admin/stats", null).body());
    assertEquals(false, stats.getJsonObject("encryption").getBoolean("enabled"));
  }

  private static JsonObject compressionStats() throws Exception {
    JsonObject stats = new JsonObject(node.client().send("GET", "/admin/stats", null).body());
    return stats.getJsonObject("compression");
  }
}
