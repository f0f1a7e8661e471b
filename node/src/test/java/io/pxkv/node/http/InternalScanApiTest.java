package io.pxkv.node.http;

import static io.pxkv.node.http.MigrationApiTest.assertError;
import static io.pxkv.node.http.MigrationApiTest.handoffLine;
import static io.pxkv.node.http.MigrationApiTest.importLine;
import static io.pxkv.node.http.MigrationApiTest.tombstoneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /internal/scan}: records in UTF-8 key order after a cursor, with held tombstones and
 * handoff markers on request, a limit or the whole rest streamed, and bad parameters refused.
 */
class InternalScanApiTest {
  @TempDir static Path dataDir;
  static TestNode node;
  static NodeClient client;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-s", dataDir, 4096);
    client = node.client();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2500; i++)
      body.append(importLine(String.format("bulk/%05d", i), "" + i, 10 + i, 2));
    body.append(importLine("u/\uFFFD", "\"fffd\"", 5, 1));
    body.append(importLine("u/\uD83D\uDE00", "\"emoji\"", 6, 1));
    body.append(importLine("u/a", "\"a\"", 7, 1));
    body.append(tombstoneLine("u/b", 8, 1));
    body.append(importLine("u/c", "\"c\"", 9, 4294967295L));
    body.append(importLine("u/d", "\"moved away\"", 10, 3));
    HttpResponse<String> r = client.send("POST", "/internal/import", body.toString());
    assertEquals(200, r.statusCode(), r.body());
    r = client.send("POST", "/internal/handoff", handoffLine("u/d", 10, 3));
    assertEquals("{\"handedOff\":1,\"skipped\":0}", r.body());
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static List<JsonObject> scan(String query) {
    HttpResponse<String> r = client.get("/internal/scan" + query);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/x-ndjson", r.headers().firstValue("content-type").orElse(""));
    List<JsonObject> lines = new ArrayList<>();
    for (String line : r.body().split("\n")) if (!line.isEmpty()) lines.add(new JsonObject(line));
    return lines;
  }

  private static List<String> keys(List<JsonObject> lines) {
    return lines.stream().map(l -> l.getString("key")).toList();
  }

  @Test
  void recordsComeInUtf8KeyOrderWithTheirVersionsAndWriters() {
    List<JsonObject> u = scan("?prefix=u/");
    // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    assertEquals(List.of("u/a", "u/c", "u/\uFFFD", "u/\uD83D\uDE00"), keys(u));
    assertEquals(
        new JsonObject()
            .put("key", "u/c")
            .put("value", "c")
            .put("version", 9)
            .put("writer", 4294967295L),
        u.get(1));
  }

  @Test
  void heldTombstonesAndMarkersAreListedWhenAskedFor() {
    List<JsonObject> u = scan("?prefix=u/&deleted=1");
    assertEquals(List.of("u/a", "u/b", "u/c", "u/d", "u/\uFFFD", "u/\uD83D\uDE00"), keys(u));
    assertEquals(
        new JsonObject().put("key", "u/b").put("deleted", true).put("version", 8).put("writer", 1),
        u.get(1));
    assertEquals(
        new JsonObject()
            .put("key", "u/d")
            .put("handedOff", true)
            .put("version", 10)
            .put("writer", 3),
        u.get(3),
        "a key that left says so, with the write that left");
    assertEquals(keys(scan("?prefix=u/")), keys(scan("?prefix=u/&deleted=0")));
    assertEquals(List.of("u/a", "u/c", "u/\uFFFD", "u/\uD83D\uDE00"), keys(scan("?prefix=u/")));
    HttpResponse<String> read = client.get("/internal/read?key=u/d");
    assertEquals(404, read.statusCode(), "a marker is absent to a read: " + read.body());
    assertFalse(new JsonObject(read.body()).containsKey("deleted"), read.body());
  }

  @Test
  void afterAndLimitPageThroughEveryKeyOnce() {
    List<String> all = new ArrayList<>();
    String after = "";
    while (true) {
      List<JsonObject> page = scan("?limit=7&deleted=1&after=" + NodeClient.queryEncode(after));
      if (page.isEmpty()) break;
      assertTrue(page.size() <= 7);
      all.addAll(keys(page));
      after = page.get(page.size() - 1).getString("key");
    }
    assertEquals(2506, all.size());
    assertEquals(keys(scan("?deleted=1")), all, "the whole rest, streamed in one answer");
    assertEquals(List.of("u/\uFFFD", "u/\uD83D\uDE00"), keys(scan("?prefix=u/&after=u/c")));
    assertEquals(List.of("bulk/01000"), keys(scan("?prefix=bulk/&after=bulk/00999&limit=1")));
    assertEquals(1500, scan("?prefix=bulk/&after=bulk/00999").size());
    assertEquals(List.of(), scan("?prefix=none/"));
  }

  @Test
  void aGlobKeepsOnlyMatchingKeysAndTheLimitCountsThem() {
    assertEquals(
        List.of("bulk/00000", "bulk/00100", "bulk/00200"),
        keys(scan("?prefix=bulk/&limit=3&match=" + NodeClient.queryEncode("bulk/*00"))));
    assertEquals(25, scan("?match=" + NodeClient.queryEncode("bulk/*00")).size());
    assertEquals(
        List.of("u/a", "u/b"), keys(scan("?deleted=1&match=" + NodeClient.queryEncode("u/[ab]"))));
    assertError(client.get("/internal/scan?match=%5B"), 400, "invalid_request", "match glob");
  }

  @Test
  void badParametersAreRefused() {
    for (String limit : List.of("0", "-1", "x", "1.5")) {
      assertError(client.get("/internal/scan?limit=" + limit), 400, "invalid_limit", "limit");
    }
    assertError(client.get("/internal/scan?deleted=maybe"), 400, "invalid_request", "deleted");
    String longPrefix = "p".repeat(1025);
    assertError(client.get("/internal/scan?prefix=" + longPrefix), 400, "invalid_request", "");
    String[] raw = client.rawGet("/internal/scan?after=%zz");
    assertTrue(raw[0].contains(" 400 "), raw[0]);
    assertEquals("invalid_request", new JsonObject(raw[1]).getString("error"), raw[1]);
  }
}
