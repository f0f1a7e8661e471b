package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.pxkv.node.storage.StorageEngine;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal writes of moves ({@code /internal/import}, {@code /internal/handoff}, {@code
 * /internal/tombstone}) against a real node on a random port: a moved copy keeps its version and
 * writer, never beats a newer write or a delete, leaves its old node only at the write that was
 * copied, and can always come back; bad lines are refused with their line number.
 */
class MigrationApiTest {
  private static final int MAX_VALUE = 4096;
  private static final long NODE = WriteOrder.writerJson(WriteOrder.writerIdOf("node-m"));
  @TempDir static Path dataDir;
  static TestNode node;
  static NodeClient client;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-m", dataDir, MAX_VALUE);
    client = node.client();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static String importLine(String key, String valueJson, long version, long writer) {
    return "{\"key\":"
        + Json.encode(key)
        + ",\"value\":"
        + valueJson
        + ",\"version\":"
        + version
        + ",\"writer\":"
        + writer
        + "}\n";
  }

  static String tombstoneLine(String key, long version, long writer) {
    return "{\"key\":"
        + Json.encode(key)
        + ",\"deleted\":true,\"version\":"
        + version
        + ",\"writer\":"
        + writer
        + "}\n";
  }

  static String handoffLine(String key, long version, long writer) {
    return "{\"key\":"
        + Json.encode(key)
        + ",\"version\":"
        + version
        + ",\"writer\":"
        + writer
        + "}\n";
  }

  private static HttpResponse<String> post(String path, String body) {
    return client.send("POST", path, body);
  }

  private static long put(String key, String valueJson) {
    HttpResponse<String> r = client.put(key, valueJson);
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.body());
    return json(r).getLong("version");
  }

  static void assertCounts(HttpResponse<String> r, String done, long applied, long skipped) {
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    assertEquals(new JsonObject().put(done, applied).put("skipped", skipped), json(r));
  }

  static void assertError(HttpResponse<String> r, int status, String code, String start) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    JsonObject body = json(r);
    assertEquals(code, body.getString("error"), r.body());
    assertTrue(body.getString("message").startsWith(start), body.getString("message"));
  }

  /** What {@code /internal/read} says of {@code key}. */
  private static HttpResponse<String> read(String key) {
    return client.get("/internal/read?key=" + NodeClient.queryEncode(key));
  }

  private static void assertRecord(String key, String valueJson, long version, long writer) {
    HttpResponse<String> r = read(key);
    assertEquals(200, r.statusCode(), key + ": " + r.body());
    assertEquals(
        "{\"key\":"
            + Json.encode(key)
            + ",\"value\":"
            + valueJson
            + ",\"version\":"
            + version
            + ",\"writer\":"
            + writer
            + "}",
        r.body());
  }

  @Test
  void importOfNewKeysKeepsTheirVersionsAndWriters() {
    List<String> values =
        List.of(
            "\"s\"",
            "-3.140",
            "98765432109876543210",
            "true",
            "null",
            "[1,[2]]",
            "{\"\u00e9\":\"\uD83D\uDE00\",\"q\":\"\\\"\\n\"}");
    StringBuilder body = new StringBuilder();
    int lines = 700; // well over the writes allowed in flight, so reading pauses and resumes
    for (int i = 0; i < lines; i++) {
      String key = "new/" + i + (i % 9 == 0 ? " \uD83D\uDE00/?" : "");
      body.append(importLine(key, values.get(i % values.size()), 1000 + i, 4_000_000_000L - i));
      if (i == 10) body.append("\n   \n"); // blank lines are ignored
    }
    body.setLength(body.length() - 1); // the last line needs no newline
    assertCounts(post("/internal/import", body.toString()), "imported", lines, 0);
    for (int i = 0; i < lines; i += 37) {
      String key = "new/" + i + (i % 9 == 0 ? " \uD83D\uDE00/?" : "");
      assertRecord(key, values.get(i % values.size()), 1000 + i, 4_000_000_000L - i);
    }
    assertCounts(post("/internal/import", body.toString()), "imported", 0, lines);
  }

  @Test
  void aWriterIsOptionalAndZeroWhenLeftOut() {
    assertCounts(
        post("/internal/import", "{\"key\":\"w0\",\"value\":1,\"version\":5}"), "imported", 1, 0);
    assertRecord("w0", "1", 5, 0);
  }

  @Test
  void importOfAnOlderWriteThanALiveOneIsSkipped() {
    long live = put("raced", "\"written during the move\"");
    String body =
        importLine("raced", "\"moved\"", live - 1, 99)
            + importLine("raced", "\"moved\"", live, NODE)
            + tombstoneLine("raced", live - 1, 99);
    assertCounts(post("/internal/import", body), "imported", 0, 3);
    assertRecord("raced", "\"written during the move\"", live, NODE);
  }

  @Test
  void equalVersionsAreDecidedByTheWriter() {
    String line = importLine("tie", "\"by 5\"", 777, 5);
    assertCounts(post("/internal/import", line), "imported", 1, 0);
    assertCounts(post("/internal/import", importLine("tie", "\"by 4\"", 777, 4)), "imported", 0, 1);
    assertCounts(
        post("/internal/import", importLine("tie", "\"by max\"", 777, 4294967295L)),
        "imported",
        1,
        0);
    assertRecord("tie", "\"by max\"", 777, 4294967295L);
  }

  @Test
  void importedTombstonesAreHeldAndBlockOlderCopies() {
    assertCounts(post("/internal/import", tombstoneLine("gone", 5000, 3)), "imported", 1, 0);
    assertCounts(post("/internal/import", importLine("gone", "1", 4999, 3)), "imported", 0, 1);
    assertEquals(404, client.getKey("gone").statusCode());
    HttpResponse<String> r = read("gone");
    assertEquals(404, r.statusCode());
    JsonObject body = json(r);
    assertEquals("not_found", body.getString("error"));
    assertTrue(body.getBoolean("deleted"));
    assertEquals(5000, body.getLong("version"));
    assertEquals(3, body.getLong("writer"));
    assertCounts(post("/internal/import", importLine("gone", "2", 5001, 0)), "imported", 1, 0);
    assertRecord("gone", "2", 5001, 0);
  }

  @Test
  void aKeyHandedOffAndImportedBackWithTheSameWriteIsLiveAgain() {
    long written = put("returning", "\"v1\"");
    assertCounts(
        post("/internal/handoff", handoffLine("returning", written, NODE)), "handedOff", 1, 0);
    assertEquals(404, client.getKey("returning").statusCode());
    assertEquals(json(read("returning")).size(), 2, "absent: no tombstone fields");
    assertCounts(
        post("/internal/import", importLine("returning", "\"v1\"", written, NODE)),
        "imported",
        1,
        0);
    assertRecord("returning", "\"v1\"", written, NODE);
    // A delete made later still wins over the same copy.
    HttpResponse<String> t = post("/internal/tombstone", "{\"key\":\"returning\"}");
    assertEquals(200, t.statusCode(), t.body());
    assertCounts(
        post("/internal/import", importLine("returning", "\"v1\"", written, NODE)),
        "imported",
        0,
        1);
    assertEquals(404, client.getKey("returning").statusCode());
  }

  @Test
  void importAdvancesTheNodeClockSoLaterWritesWin() {
    long ahead = System.currentTimeMillis() * 1000 + TimeUnit.HOURS.toMicros(1);
    assertCounts(
        post("/internal/import", importLine("from-the-future", "1", ahead, 9)), "imported", 1, 0);
    long local = put("from-the-future", "2");
    assertTrue(local > ahead, local + " > " + ahead);
    assertRecord("from-the-future", "2", local, NODE);
  }

  @Test
  void handoffHappensOnlyAtTheWriteThatWasCopied() {
    long a = put("ho/a", "1");
    long bRead = put("ho/b", "1");
    long bNow = put("ho/b", "2"); // overwritten after the mover copied it
    String body =
        handoffLine("ho/a", a, NODE)
            + handoffLine("ho/b", bRead, NODE)
            + handoffLine("ho/absent", a, NODE)
            + handoffLine("ho/b", bNow, 1);
    assertCounts(post("/internal/handoff", body), "handedOff", 1, 3);
    assertEquals(404, client.getKey("ho/a").statusCode());
    assertRecord("ho/b", "2", bNow, NODE);
    assertCounts(post("/internal/handoff", handoffLine("ho/a", a, NODE)), "handedOff", 0, 1);
  }

  @Test
  void tombstoneSaysWhetherTheKeyExistedAndWhatItWasBefore() {
    HttpResponse<String> absent = post("/internal/tombstone", "{\"key\":\"never written\"}");
    assertEquals(200, absent.statusCode(), absent.body());
    JsonObject a = json(absent);
    assertEquals("never written", a.getString("key"));
    assertFalse(a.getBoolean("existed"));
    assertTrue(a.getLong("version") > 0);
    assertNull(a.getValue("previous"));
    assertEquals(3, a.size());

    long live = put("t/live", "\"v\"");
    JsonObject l = json(post("/internal/tombstone", "{\"key\":\"t/live\"}"));
    assertTrue(l.getBoolean("existed"));
    assertTrue(l.getLong("version") > live);
    assertEquals(
        new JsonObject().put("version", live).put("writer", NODE).put("deleted", false),
        l.getJsonObject("previous"));
    assertEquals(404, client.getKey("t/live").statusCode());
    assertEquals(404, client.send("DELETE", "/kv?key=t%2Flive", null).statusCode());
    JsonObject again = json(post("/internal/tombstone", "{\"key\":\"t/live\"}"));
    assertFalse(again.getBoolean("existed"));
    assertEquals(
        new JsonObject()
            .put("version", l.getLong("version"))
            .put("writer", NODE)
            .put("deleted", true),
        again.getJsonObject("previous"));
  }

  @Test
  void readAnswersLiveDeletedAndAbsentKeys() {
    long v = put("r/live", "{\"a\":[1]}");
    assertRecord("r/live", "{\"a\":[1]}", v, NODE);
    assertEquals("application/json", read("r/live").headers().firstValue("content-type").get());
    HttpResponse<String> absent = read("r/never");
    assertError(absent, 404, "not_found", "no value for key 'r/never'");
    assertEquals(2, json(absent).size());
    assertError(client.get("/internal/read"), 400, "invalid_key", "");
    assertError(client.get("/internal/read?key="), 400, "invalid_key", "");
    String[] raw = client.rawGet("/internal/read?key=%zz");
    assertTrue(raw[0].contains(" 400 "), raw[0]);
    assertEquals("invalid_request", new JsonObject(raw[1]).getString("error"), raw[1]);
  }

  @Test
  void writesTaggedWithAnEpochPassTheNodesGate() throws Exception {
    Map<String, String> tagged = Map.of("X-Pxkv-Cluster", "mig", "X-Pxkv-Epoch", "3");
    String put = "{\"key\":\"gate\",\"value\":1}";
    // No view yet: every tagged request is refused as stale, reads and writes alike.
    assertError(client.send("PUT", "/kv", put, tagged), 409, "stale_view", "");
    assertError(
        client.send("POST", "/internal/import", importLine("gate", "1", 5, 0), tagged),
        409,
        "stale_view",
        "");
    assertError(client.send("DELETE", "/kv?key=gate", null, tagged), 409, "stale_view", "");
    assertEquals(404, client.getKey("gate").statusCode());
    NodeViewApiTest.prepareAndOpen(client, "node-m", "mig", 3, 0);
    assertEquals(201, client.send("PUT", "/kv", put, tagged).statusCode());
    assertEquals(200, client.send("PUT", "/kv/gate", "2", tagged).statusCode());
    assertError(
        client.send("PUT", "/kv", put, Map.of("X-Pxkv-Cluster", "mig", "X-Pxkv-Epoch", "2")),
        409,
        "stale_view",
        "");
    assertEquals(200, client.send("PUT", "/kv", put).statusCode(), "untagged: served as ever");
    for (String bad : List.of("x", "-1", "1.5", "99999999999999999999")) {
      assertError(
          client.send("PUT", "/kv", put, Map.of("X-Pxkv-Cluster", "mig", "X-Pxkv-Epoch", bad)),
          400,
          "invalid_request",
          "header X-Pxkv-Epoch");
    }
  }

  @Test
  void badLinesAreRefusedWithTheirLineNumberAfterTheLinesBeforeThem() {
    String good = importLine("bad/first", "\"kept\"", 77, 1);
    assertError(
        post("/internal/import", good + "{\"key\":\"bad/x\",\"value\":1}\n"),
        400,
        "invalid_request",
        "line 2:");
    assertRecord("bad/first", "\"kept\"", 77, 1);
    for (String version :
        List.of(
            "0",
            "-5",
            "1.5",
            "\"12\"",
            "null",
            "99999999999999999999",
            String.valueOf(StorageEngine.MAX_VERSION + 1))) {
      assertError(
          post("/internal/import", "{\"key\":\"bad/v\",\"value\":1,\"version\":" + version + "}"),
          400,
          "invalid_request",
          "line 1:");
    }
    for (String writer : List.of("-1", "4294967296", "1.5", "\"1\"", "null")) {
      assertError(
          post(
              "/internal/import",
              "{\"key\":\"bad/w\",\"value\":1,\"version\":5,\"writer\":" + writer + "}"),
          400,
          "invalid_request",
          "line 1:");
    }
    assertError(
        post("/internal/import", good + "\n" + "{\"key\":\"bad/y\",\"version\":5}"),
        400,
        "missing_value",
        "line 3:");
    assertError(
        post("/internal/import", "{\"key\":\"bad/d\",\"value\":1,\"deleted\":true,\"version\":5}"),
        400,
        "invalid_request",
        "line 1:");
    assertError(
        post("/internal/import", "{\"key\":\"bad/d\",\"deleted\":\"yes\",\"version\":5}"),
        400,
        "invalid_request",
        "line 1:");
    assertError(
        post("/internal/import", "{\"key\":\"\",\"value\":1,\"version\":5}"),
        400,
        "invalid_key",
        "line 1:");
    assertError(
        post(
            "/internal/import",
            "{\"key\":\"bad/z\",\"value\":[[[[[[[[[1]]]]]]]]]," + "\"version\":5}"),
        400,
        "invalid_value",
        "line 1:");
    assertError(post("/internal/import", "not json\n"), 400, "invalid_json", "line 1:");
    assertError(
        post(
            "/internal/import",
            "{\"key\":\"bad/big\",\"value\":\"" + "v".repeat(MAX_VALUE) + "\",\"version\":5}"),
        413,
        "value_too_large",
        "line 1:");
    assertEquals(404, client.getKey("bad/v").statusCode());
    assertError(
        post("/internal/handoff", handoffLine("bad/r", 5, 0) + "{\"key\":\"bad/r\"}\n"),
        400,
        "invalid_request",
        "line 2:");
    assertError(
        post("/internal/handoff", "{\"key\":\"bad/r\",\"version\":5,\"writer\":-2}\n"),
        400,
        "invalid_request",
        "line 1:");
    assertError(post("/internal/handoff", "[1]\n"), 400, "invalid_json", "line 1:");
    assertError(post("/internal/tombstone", "{\"key\":5}"), 400, "invalid_key", "");
    assertError(post("/internal/tombstone", "{"), 400, "invalid_json", "");
  }

  @Test
  void aLineLongerThanTheBodyLimitIsRefused() {
    long limit = new ValueLimits(MAX_VALUE, 8).maxBodyBytes();
    String huge =
        "{\"key\":\"bad/huge\",\"value\":\"" + "v".repeat((int) limit) + "\",\"version\":5}";
    assertError(post("/internal/import", huge), 413, "body_too_large", "line 1:");
    assertEquals(404, client.getKey("bad/huge").statusCode());
  }

  @Test
  void otherMethodsAreNotAllowedAndTheOldCallsAreGone() {
    for (String path : List.of("/internal/import", "/internal/handoff", "/internal/tombstone")) {
      for (String method : List.of("GET", "PUT", "DELETE")) {
        HttpResponse<String> r = client.send(method, path, null);
        assertError(r, 405, "method_not_allowed", "");
        assertEquals("POST", r.headers().firstValue("allow").orElse(""), method + " " + path);
      }
    }
    for (String path : List.of("/internal/read?key=k", "/internal/scan")) {
      HttpResponse<String> r = client.send("POST", path, "{}");
      assertError(r, 405, "method_not_allowed", "");
      assertEquals("GET", r.headers().firstValue("allow").orElse(""));
    }
    for (String gone : List.of("/internal/remove", "/internal/clock", "/internal/nothing")) {
      assertError(client.send("POST", gone, "{}"), 404, "not_found", "");
    }
  }
}
