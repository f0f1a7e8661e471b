package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every /kv call and error case of CONTRACT.md against a real node on a random port. */
class NodeApiTest {
  private static final int MAX_VALUE = 4096;
  @TempDir static Path dataDir;
  static TestNode node;
  static NodeClient client;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start("node-t", dataDir, MAX_VALUE);
    client = node.client();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    JsonObject body = json(r);
    assertEquals(code, body.getString("error"), r.body());
    assertFalse(body.getString("message").isBlank());
    assertEquals(2, body.size(), "error body has exactly error and message");
  }

  @Test
  void putCreatesThenReplacesWithAGrowingVersion() {
    HttpResponse<String> created = client.put("fresh", "{\"n\":1}");
    assertEquals(201, created.statusCode());
    JsonObject c = json(created);
    assertEquals("fresh", c.getString("key"));
    assertEquals(new JsonObject().put("n", 1), c.getJsonObject("value"));
    HttpResponse<String> replaced = client.put("fresh", "[2]");
    assertEquals(200, replaced.statusCode());
    assertTrue(json(replaced).getLong("version") > c.getLong("version"));
    HttpResponse<String> read = client.getKey("fresh");
    assertEquals(200, read.statusCode());
    assertEquals(
        "{\"key\":\"fresh\",\"value\":[2],\"version\":" + json(replaced).getLong("version") + "}",
        read.body());
  }

  @Test
  void valuesOfEveryJsonTypeComeBackExactly() {
    List<String> values =
        List.of(
            "\"s\"",
            "0",
            "-3.140",
            "1e-7",
            "98765432109876543210",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "[1,[2,[3]],{\"a\":null}]",
            "{\"\u00e9\":\"\uD83D\uDE00\",\"q\":\"\\\"\\\\\\n\"}");
    for (int i = 0; i < values.size(); i++) {
      String key = "type-" + i;
      client.put(key, values.get(i));
      String body = client.getKey(key).body();
      String expected = "\"value\":" + values.get(i) + ",";
      assertTrue(body.contains(expected), "expected " + expected + " in " + body);
    }
  }

  @Test
  void awkwardKeysWorkInQueryBodyAndPathStyle() {
    for (String key :
        List.of(
            "with space",
            "a/b/c",
            "what?x=1&y",
            "100%",
            "plus+sign",
            "\uD83D\uDE00 emoji",
            "\u00e9t\u00e9",
            "x".repeat(1024))) {
      assertEquals(201, client.put(key, "\"v1\"").statusCode(), key);
      assertEquals("v1", json(client.getKey(key)).getString("value"), key);
      String path = "/kv/" + NodeClient.pathEncode(key);
      assertEquals("v1", json(client.get(path)).getString("value"), key);
      assertEquals(200, client.send("PUT", path, "\"v2\"").statusCode(), key);
      assertEquals(key, json(client.get(path)).getString("key"));
      assertEquals("v2", json(client.getKey(key)).getString("value"), key);
      HttpResponse<String> deleted = client.send("DELETE", path, null);
      assertEquals(200, deleted.statusCode(), key);
      assertEquals(true, json(deleted).getBoolean("deleted"));
      assertError(client.getKey(key), 404, "not_found");
    }
  }

  @Test
  void deleteByBodyAndQueryThenNotFound() {
    client.put("doomed", "1");
    HttpResponse<String> deleted = client.send("DELETE", "/kv", "{\"key\":\"doomed\"}");
    assertEquals(200, deleted.statusCode());
    assertEquals("doomed", json(deleted).getString("key"));
    assertEquals(true, json(deleted).getBoolean("deleted"));
    assertError(client.getKey("doomed"), 404, "not_found");
    assertError(client.send("DELETE", "/kv", "{\"key\":\"doomed\"}"), 404, "not_found");
    client.put("doomed2", "1");
    assertEquals(200, client.send("DELETE", "/kv?key=doomed2", null).statusCode());
    assertError(client.send("DELETE", "/kv?key=doomed2", null), 404, "not_found");
  }

  @Test
  void getWithAJsonBodyReadsTheKey() {
    client.put("bodyget", "\"yes\"");
    HttpResponse<String> r = client.send("GET", "/kv", "{\"key\":\"bodyget\"}");
    assertEquals(200, r.statusCode());
    assertEquals("yes", json(r).getString("value"));
  }

  @Test
  void badRequestsGetJsonErrorsAndChangeNothing() {
    client.put("stable", "\"before\"");
    long keysBefore = stats().getLong("keys");
    assertError(client.send("PUT", "/kv", "{\"key\":\"stable\",\"value\":"), 400, "invalid_json");
    assertError(client.send("PUT", "/kv", "not json"), 400, "invalid_json");
    assertError(client.send("PUT", "/kv", ""), 400, "invalid_json");
    assertError(client.send("PUT", "/kv", "{\"key\":\"stable\"}"), 400, "missing_value");
    assertError(client.send("PUT", "/kv", "{\"value\":1}"), 400, "invalid_key");
    assertError(client.send("PUT", "/kv", "{\"key\":5,\"value\":1}"), 400, "invalid_key");
    assertError(client.send("PUT", "/kv", "{\"key\":\"\",\"value\":1}"), 400, "invalid_key");
    assertError(client.put("x".repeat(1025), "1"), 400, "invalid_key");
    assertError(client.put("stable", "\"" + "v".repeat(MAX_VALUE) + "\""), 413, "value_too_large");
    assertError(client.put("stable", "[[[[[[[[[[1]]]]]]]]]]"), 400, "invalid_value");
    assertError(client.send("PUT", "/kv/stable", "{\"a\":"), 400, "invalid_json");
    assertError(client.send("PUT", "/kv/stable", ""), 400, "missing_value");
    assertError(
        client.send("PUT", "/kv/stable", "\"" + "v".repeat(100_000) + "\""), 413, "body_too_large");
    assertError(client.get("/kv?key="), 400, "invalid_key");
    assertError(client.get("/kv/%C3%28"), 400, "invalid_key");
    HttpResponse<String> post = client.send("POST", "/kv", "{\"key\":\"stable\",\"value\":1}");
    assertError(post, 405, "method_not_allowed");
    assertEquals("GET, PUT, DELETE", post.headers().firstValue("allow").orElse(""));
    assertEquals(
        "POST is not allowed on /kv (allowed: GET, PUT, DELETE)", json(post).getString("message"));
    assertError(client.send("PATCH", "/kv/stable", "1"), 405, "method_not_allowed");
    assertError(client.send("DELETE", "/health", null), 405, "method_not_allowed");
    assertError(client.get("/nowhere"), 404, "not_found");
    assertError(client.get("/kv?limit=0"), 400, "invalid_limit");
    assertError(client.get("/kv?limit=1001"), 400, "invalid_limit");
    assertError(client.get("/kv?cursor=%21%21"), 400, "invalid_cursor");
    assertEquals("before", json(client.getKey("stable")).getString("value"));
    assertEquals(keysBefore, stats().getLong("keys"));
  }

  @Test
  void wholeListingAndPagingSeeEveryKeyOnce() {
    Set<String> mine = new HashSet<>();
    for (int i = 0; i < 2500; i++) {
      String key = "list/" + i;
      mine.add(key);
      client.put(key, "{\"i\":" + i + "}");
    }
    HttpResponse<String> all = client.get("/kv");
    assertEquals(200, all.statusCode());
    JsonObject everything = json(all);
    for (String key : mine) {
      assertEquals(
          new JsonObject().put("i", Integer.parseInt(key.substring(5))),
          everything.getJsonObject(key));
    }
    Set<String> paged = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      String q = "/kv?prefix=list%2F&limit=333" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonObject page = json(client.get(q));
      JsonArray items = page.getJsonArray("items");
      assertTrue(items.size() <= 333);
      for (int i = 0; i < items.size(); i++) {
        String key = items.getJsonObject(i).getString("key");
        assertTrue(key.startsWith("list/"));
        assertTrue(paged.add(key), "listed twice: " + key);
        assertNotNull(items.getJsonObject(i).getValue("value"));
      }
      cursor = page.getString("cursor");
      pages++;
    } while (cursor != null);
    assertEquals(mine, paged);
    assertEquals(8, pages);
    JsonObject firstPage = json(client.get("/kv?limit=5"));
    assertEquals(5, firstPage.getJsonArray("items").size());
  }

  @Test
  void healthAndStatsReportTheNode() {
    HttpResponse<String> health = client.get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("ok", json(health).getString("status"));
    JsonObject stats = stats();
    assertEquals("node-t", stats.getString("node"));
    assertNotNull(stats.getLong("keys"));
    assertNotNull(stats.getLong("diskBytes"));
    assertNotNull(stats.getDouble("cacheHitRatio"));
  }

  private static JsonObject stats() {
    return json(client.get("/admin/stats"));
  }
}
