package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.kv.Ttl;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.pxkv.node.storage.ManualClock;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ttl} on a real node with its clock injected (no test sleeps until a key expires): an
 * expired key is absent from GET, the listing, a page and the export at the same instant, also
 * after a restart; bad ttls are refused and store nothing; put batches carry a path PUT's ttl.
 */
class TtlApiTest {
  private static final int MAX_VALUE = 4096;
  @TempDir Path dataDir;
  private final ManualClock clock = new ManualClock(1_764_156_000_000L);
  private TestNode node;
  private NodeClient client;

  private void start() throws Exception {
    node = TestNode.start("node-ttl", dataDir, MAX_VALUE, clock);
    client = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private String expiresIn(long seconds) {
    return Ttl.format(clock.millis() + seconds * 1000);
  }

  /** What each read shows of {@code key}: GET, listing, page, export. */
  private List<Boolean> seen(String key) {
    boolean get = client.send("GET", "/kv/" + key, null).statusCode() == 200;
    HttpResponse<String> listing = client.get("/kv");
    assertEquals(200, listing.statusCode());
    boolean listed = new JsonObject(listing.body()).containsKey(key);
    HttpResponse<String> page = client.get("/kv?limit=100");
    boolean paged =
        new JsonObject(page.body())
            .getJsonArray("items").stream()
                .anyMatch(i -> key.equals(((JsonObject) i).getString("key")));
    HttpResponse<String> export = client.get("/admin/export");
    assertEquals(200, export.statusCode());
    boolean exported =
        export.body().lines().anyMatch(l -> key.equals(new JsonObject(l).getString("key")));
    return List.of(get, listed, paged, exported);
  }

  private static final List<Boolean> EVERYWHERE = List.of(true, true, true, true);
  private static final List<Boolean> NOWHERE = List.of(false, false, false, false);

  @Test
  void anExpiredKeyVanishesFromEveryReadAtTheSameInstantAndStaysGoneAfterARestart()
      throws Exception {
    start();
    HttpResponse<String> path = client.send("PUT", "/kv/a?ttl=60", "{\"n\":1}");
    assertEquals(201, path.statusCode(), path.body());
    assertEquals(expiresIn(60), new JsonObject(path.body()).getString("expiresAt"));
    HttpResponse<String> body = client.send("PUT", "/kv", "{\"key\":\"b\",\"value\":2,\"ttl\":60}");
    assertEquals(201, body.statusCode(), body.body());
    assertEquals(expiresIn(60), new JsonObject(body.body()).getString("expiresAt"));
    assertEquals(201, client.put("p", "3").statusCode());
    assertNull(new JsonObject(client.getKey("p").body()).getString("expiresAt"));

    JsonObject got = new JsonObject(client.send("GET", "/kv/a", null).body());
    assertEquals(expiresIn(60), got.getString("expiresAt"));
    assertEquals(new JsonObject().put("n", 1), got.getJsonObject("value"));
    String exportLine =
        client
            .get("/admin/export")
            .body()
            .lines()
            .filter(l -> l.contains("\"a\""))
            .findFirst()
            .get();
    assertEquals(expiresIn(60), new JsonObject(exportLine).getString("expiresAt"));

    clock.advance(60_000 - 1, TimeUnit.MILLISECONDS);
    assertEquals(EVERYWHERE, seen("a"), "a millisecond before its expiry");
    assertEquals(EVERYWHERE, seen("b"));
    clock.advance(1, TimeUnit.MILLISECONDS);
    assertEquals(NOWHERE, seen("a"), "at its expiry: GET, listing, page, export");
    assertEquals(NOWHERE, seen("b"));
    assertEquals(EVERYWHERE, seen("p"));
    assertEquals(404, client.send("DELETE", "/kv/a", null).statusCode(), "an expired key");

    node.close();
    start();
    assertEquals(NOWHERE, seen("a"), "after a restart");
    assertEquals(NOWHERE, seen("b"));
    assertEquals(EVERYWHERE, seen("p"));
  }

  @Test
  void aPutWithoutTtlMakesTheKeyPermanentAgain() throws Exception {
    start();
    assertEquals(201, client.send("PUT", "/kv/k?ttl=5", "1").statusCode());
    HttpResponse<String> again = client.send("PUT", "/kv/k", "2");
    assertEquals(200, again.statusCode());
    assertFalse(again.body().contains("expiresAt"), again.body());
    clock.advance(3650, TimeUnit.DAYS);
    assertEquals(EVERYWHERE, seen("k"));
  }

  @Test
  void aBadTtlIsRefusedWithAJsonErrorAndStoresNothing() throws Exception {
    start();
    for (String ttl : List.of("0", "-1", "abc", "1.5", "", "315360001", "99999999999999999999")) {
      HttpResponse<String> r = client.send("PUT", "/kv/bad?ttl=" + ttl, "1");
      assertEquals(400, r.statusCode(), ttl + ": " + r.body());
      assertEquals("invalid_request", new JsonObject(r.body()).getString("error"), r.body());
    }
    for (String ttl : List.of("0", "-1", "\"60\"", "1.5", "null", "{}", "315360001")) {
      HttpResponse<String> r =
          client.send("PUT", "/kv", "{\"key\":\"bad\",\"value\":1,\"ttl\":" + ttl + "}");
      assertEquals(400, r.statusCode(), ttl + ": " + r.body());
      assertEquals("invalid_request", new JsonObject(r.body()).getString("error"), r.body());
    }
    assertEquals(404, client.getKey("bad").statusCode(), "nothing stored");
    assertEquals(201, client.send("PUT", "/kv/good?ttl=315360000", "1").statusCode(), "10 years");
  }

  @Test
  void putBatchesCarryThePathTtlAndTheBodyTtl() throws Exception {
    start();
    Buffer request = Buffer.buffer();
    PutBatch.appendEntry(request, PutBatch.Form.PATH_TTL, bytes("x"), 30, Buffer.buffer("1"));
    PutBatch.appendEntry(
        request,
        PutBatch.Form.BODY,
        bytes("y"),
        Buffer.buffer("{\"key\":\"y\",\"value\":2,\"ttl\":40}"));
    PutBatch.appendEntry(request, PutBatch.Form.PATH, bytes("z"), Buffer.buffer("3"));
    PutBatch.appendEntry(request, PutBatch.Form.PATH_TTL, bytes("w"), 0, Buffer.buffer("4"));
    HttpResponse<byte[]> batch =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + PutBatch.PATH))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", PutBatch.CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getBytes()))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, batch.statusCode());
    List<PutBatch.Answer> answers = PutBatch.decodeAnswers(Buffer.buffer(batch.body()), 4);
    assertEquals(expiresIn(30), new JsonObject(answers.get(0).body()).getString("expiresAt"));
    assertEquals(expiresIn(40), new JsonObject(answers.get(1).body()).getString("expiresAt"));
    assertNull(new JsonObject(answers.get(2).body()).getString("expiresAt"));
    assertEquals(400, answers.get(3).status(), "a ttl of 0 in a batch");
    assertEquals(404, client.getKey("w").statusCode());
    clock.advance(30, TimeUnit.SECONDS);
    assertEquals(NOWHERE, seen("x"));
    assertEquals(EVERYWHERE, seen("y"));
    clock.advance(10, TimeUnit.SECONDS);
    assertEquals(NOWHERE, seen("y"));
    assertEquals(EVERYWHERE, seen("z"));
  }

  @Test
  void importsKeepTheExpiryAndSkipWhatHasExpired() throws Exception {
    start();
    String lines =
        "{\"key\":\"i1\",\"value\":1,\"version\":5,\"expiresAt\":\""
            + expiresIn(10)
            + "\"}\n"
            + "{\"key\":\"i2\",\"value\":2,\"expiresAt\":\""
            + expiresIn(20)
            + "\"}\n"
            + "{\"key\":\"i3\",\"value\":3,\"version\":5,\"expiresAt\":\""
            + expiresIn(0)
            + "\"}\n";
    HttpResponse<String> r = client.send("POST", "/admin/import", lines);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(2, new JsonObject(r.body()).getInteger("imported"));
    assertEquals(1, new JsonObject(r.body()).getInteger("skipped"), "i3 had expired");
    assertEquals(expiresIn(10), new JsonObject(client.getKey("i1").body()).getString("expiresAt"));
    assertEquals(expiresIn(20), new JsonObject(client.getKey("i2").body()).getString("expiresAt"));
    assertEquals(404, client.getKey("i3").statusCode());
    clock.advance(10, TimeUnit.SECONDS);
    assertEquals(NOWHERE, seen("i1"));
    assertEquals(EVERYWHERE, seen("i2"));
    HttpResponse<String> bad =
        client.send("POST", "/admin/import", "{\"key\":\"i4\",\"value\":1,\"expiresAt\":\"soon\"}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("expiresAt"), bad.body());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
