package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.pxkv.node.storage.StorageEngine;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal calls of rebalancing ({@code /internal/import}, {@code /internal/remove}, {@code
 * /internal/tombstone}) against a real node on a random port: a moved older copy never beats a
 * newer write or a delete, and a copy is removed only at the version that was read.
 */
class MigrationApiTest {
  private static final int MAX_VALUE = 4096;
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

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static String importLine(String key, String valueJson, long version) {
    return "{\"key\":"
        + Json.encode(key)
        + ",\"value\":"
        + valueJson
        + ",\"version\":"
        + version
        + "}\n";
  }

  private static String removeLine(String key, long version) {
    return "{\"key\":" + Json.encode(key) + ",\"version\":" + version + "}\n";
  }

  private static HttpResponse<String> post(String path, String body) {
    return client.send("POST", path, body);
  }

  private static long put(String key, String valueJson) {
    HttpResponse<String> r = client.put(key, valueJson);
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.body());
    return json(r).getLong("version");
  }

  private static void assertCounts(
      HttpResponse<String> r, String done, long applied, long skipped) {
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    assertEquals(new JsonObject().put(done, applied).put("skipped", skipped), json(r));
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String start) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    JsonObject body = json(r);
    assertEquals(code, body.getString("error"), r.body());
    assertTrue(body.getString("message").startsWith(start), body.getString("message"));
  }

  private static void assertValue(String key, String valueJson, long version) {
    HttpResponse<String> r = client.getKey(key);
    assertEquals(200, r.statusCode(), key + ": " + r.body());
    assertEquals(
        "{\"key\":"
            + Json.encode(key)
            + ",\"value\":"
            + valueJson
            + ",\"version\":"
            + version
            + "}",
        r.body());
  }

  @Test
  void importOfNewKeysIsReadableWithTheGivenVersions() {
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
      body.append(
          importLine(
              "new/" + i + (i % 9 == 0 ? " \uD83D\uDE00/?" : ""),
              values.get(i % values.size()),
              1000 + i));
      if (i == 10) body.append("\n   \n"); // blank lines are ignored
    }
    body.setLength(body.length() - 1); // the last line needs no newline
    assertCounts(post("/internal/import", body.toString()), "imported", lines, 0);
    for (int i = 0; i < lines; i += 37) {
      assertValue(
          "new/" + i + (i % 9 == 0 ? " \uD83D\uDE00/?" : ""),
          values.get(i % values.size()),
          1000 + i);
    }
    assertCounts(post("/internal/import", body.toString()), "imported", 0, lines);
  }

  @Test
  void importOfAnOlderVersionThanALiveWriteIsSkipped() {
    long live = put("raced", "\"written during the move\"");
    String body =
        importLine("raced", "\"moved\"", live - 1) + importLine("raced", "\"moved\"", live);
    assertCounts(post("/internal/import", body), "imported", 0, 2);
    assertValue("raced", "\"written during the move\"", live);
  }

  @Test
  void importAfterATombstoneIsSkippedAndANewerOneIsNot() {
    long before = put("unrelated", "1");
    HttpResponse<String> t = post("/internal/tombstone", "{\"key\":\"deleted-mid-move\"}");
    assertEquals(200, t.statusCode(), t.body());
    long tomb = json(t).getLong("version");
    assertCounts(
        post("/internal/import", importLine("deleted-mid-move", "1", before)), "imported", 0, 1);
    assertEquals(404, client.getKey("deleted-mid-move").statusCode());
    assertCounts(
        post("/internal/import", importLine("deleted-mid-move", "2", tomb + 1)), "imported", 1, 0);
    assertValue("deleted-mid-move", "2", tomb + 1);
  }

  @Test
  void aKeyThatLeftInAnEarlierMoveComesBackWhenTombstonesBeforeTheMoveAreIgnored() {
    long written = put("returning", "\"v1\"");
    assertCounts(post("/internal/remove", removeLine("returning", written)), "removed", 1, 0);
    HttpResponse<String> clock = post("/internal/clock", "");
    assertEquals(200, clock.statusCode(), clock.body());
    long moveBegan = json(clock).getLong("version");
    assertTrue(moveBegan > written);
    // Without a floor, the removal's tombstone blocks the copy coming back.
    assertCounts(
        post("/internal/import", importLine("returning", "\"v1\"", written)), "imported", 0, 1);
    assertCounts(
        post("/internal/import?since=" + moveBegan, importLine("returning", "\"v1\"", written)),
        "imported",
        1,
        0);
    JsonObject back = json(client.getKey("returning"));
    assertEquals("v1", back.getString("value"));
    assertTrue(back.getLong("version") > written, "stored above the ignored tombstone");
    // A delete made during this move is newer than the floor and still wins.
    HttpResponse<String> t = post("/internal/tombstone", "{\"key\":\"returning\"}");
    assertEquals(200, t.statusCode(), t.body());
    assertCounts(
        post("/internal/import?since=" + moveBegan, importLine("returning", "\"v1\"", written)),
        "imported",
        0,
        1);
    assertEquals(404, client.getKey("returning").statusCode());
    assertEquals(
        400, post("/internal/import?since=soon", importLine("x", "1", written)).statusCode());
  }

  @Test
  void importAdvancesTheNodeClockSoLaterWritesWin() {
    long ahead = System.currentTimeMillis() * 1000 + TimeUnit.HOURS.toMicros(1);
    assertCounts(
        post("/internal/import", importLine("from-the-future", "1", ahead)), "imported", 1, 0);
    long local = put("from-the-future", "2");
    assertTrue(local > ahead, local + " > " + ahead);
    assertValue("from-the-future", "2", local);
  }

  @Test
  void removeDeletesOnlyAtTheVersionThatWasRead() {
    long a = put("rm/a", "1");
    long bRead = put("rm/b", "1");
    long bNow = put("rm/b", "2"); // overwritten after the mover read it
    String body = removeLine("rm/a", a) + removeLine("rm/b", bRead) + removeLine("rm/absent", a);
    assertCounts(post("/internal/remove", body), "removed", 1, 2);
    assertEquals(404, client.getKey("rm/a").statusCode());
    assertValue("rm/b", "2", bNow);
    assertCounts(post("/internal/remove", removeLine("rm/a", a)), "removed", 0, 1);
    assertCounts(post("/internal/import", importLine("rm/a", "1", a)), "imported", 0, 1);
    assertEquals(404, client.getKey("rm/a").statusCode(), "the removed copy cannot come back");
  }

  @Test
  void tombstoneAnswersWhetherTheKeyExistedAndItsNewVersion() {
    HttpResponse<String> absent = post("/internal/tombstone", "{\"key\":\"never written\"}");
    assertEquals(200, absent.statusCode(), absent.body());
    JsonObject a = json(absent);
    assertEquals("never written", a.getString("key"));
    assertFalse(a.getBoolean("existed"));
    assertTrue(a.getLong("version") > 0);
    assertEquals(3, a.size());

    long live = put("t/live", "\"v\"");
    JsonObject l = json(post("/internal/tombstone", "{\"key\":\"t/live\"}"));
    assertTrue(l.getBoolean("existed"));
    assertTrue(l.getLong("version") > live);
    assertEquals(404, client.getKey("t/live").statusCode());
    assertEquals(404, client.send("DELETE", "/kv?key=t%2Flive", null).statusCode());
  }

  @Test
  void badLinesAreRefusedWithTheirLineNumberAfterTheLinesBeforeThem() {
    String good = importLine("bad/first", "\"kept\"", 77);
    assertError(
        post("/internal/import", good + "{\"key\":\"bad/x\",\"value\":1}\n"),
        400,
        "invalid_request",
        "line 2:");
    assertValue("bad/first", "\"kept\"", 77);
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
    assertError(
        post("/internal/import", good + "\n" + "{\"key\":\"bad/y\",\"version\":5}"),
        400,
        "missing_value",
        "line 3:");
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
        post("/internal/remove", removeLine("bad/r", 5) + "{\"key\":\"bad/r\"}\n"),
        400,
        "invalid_request",
        "line 2:");
    assertError(post("/internal/remove", "[1]\n"), 400, "invalid_json", "line 1:");
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
  void otherMethodsAreNotAllowed() {
    for (String path : List.of("/internal/import", "/internal/remove", "/internal/tombstone")) {
      for (String method : List.of("GET", "PUT", "DELETE")) {
        HttpResponse<String> r = client.send(method, path, null);
        assertError(r, 405, "method_not_allowed", "");
        assertEquals("POST", r.headers().firstValue("allow").orElse(""), method + " " + path);
      }
    }
    assertError(client.send("POST", "/internal/nothing", "{}"), 404, "not_found", "");
  }
}
