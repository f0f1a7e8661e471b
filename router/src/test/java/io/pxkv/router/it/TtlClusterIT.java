package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys with a ttl on a router cluster of real processes: the router passes {@code ?ttl=} (also in
 * put batches) and the body member through and refuses a bad ttl itself; a move carries each key's
 * expiry to its new owner; and at one injected instant past the expiry (every node restarted with
 * the same {@code --clock-offset-ms}, no test sleeps) the keys are absent from GET, listing, page
 * and export through the router, and a later move does not bring them back.
 */
class TtlClusterIT {
  private static final int KEYS = 300;
  private static final long TTL_SECONDS = 3600;
  private static final List<String> ONE = List.of("node-1");
  private static final List<String> TWO = List.of("node-1", "node-2");
  private static final List<String> THREE = List.of("node-1", "node-2", "node-3");

  @Test
  void expiryTravelsWithMovesAndExpiredKeysVanishEverywhereAtOnce(@TempDir Path dir)
      throws Exception {
    try (MoveCluster cluster = new MoveCluster(dir, 5_000, "node-1", "node-2", "node-3")) {
      Http http = cluster.http;
      cluster.startNodes("node-1", "node-2");
      cluster.writeCluster(ONE);
      cluster.startRouter();
      int router = cluster.routerPort();

      // Path PUTs with ?ttl= from many clients at once, so the router gathers them in batches.
      List<CompletableFuture<Http.Reply>> puts = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        String key = "t-" + i;
        puts.add(
            CompletableFuture.supplyAsync(
                () -> http.send("PUT", router, "/kv/" + key + "?ttl=" + TTL_SECONDS, "1")));
      }
      for (int i = 0; i < KEYS; i++) {
        Http.Reply r = puts.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(201, r.status(), "t-" + i + ": " + r);
        assertTrue(new JsonObject(r.body()).containsKey("expiresAt"), r.toString());
      }
      for (int i = 0; i < 50; i++) {
        Http.Reply r =
            http.send(
                "PUT",
                router,
                "/kv",
                "{\"key\":\"b-" + i + "\",\"value\":2,\"ttl\":" + TTL_SECONDS + "}");
        assertEquals(201, r.status(), r.toString());
        assertEquals(201, http.send("PUT", router, "/kv/p-" + i, "3").status());
      }
      Http.Reply bad = http.send("PUT", router, "/kv/bad?ttl=0", "1");
      assertEquals(400, bad.status(), bad.toString());
      assertEquals("invalid_request", new JsonObject(bad.body()).getString("error"));
      assertEquals(404, http.send("GET", router, "/kv/bad", null).status(), "nothing stored");

      Map<String, String> expiresAt = new java.util.HashMap<>();
      for (String key : List.of("t-0", "t-1", "t-2", "t-3", "t-4", "b-0", "b-1")) {
        expiresAt.put(key, expiryOf(http.send("GET", router, "/kv/" + key, null)));
      }

      // A move: about half the keys go to node-2, each with its expiry.
      cluster.writeCluster(TWO);
      cluster.awaitSettled(TWO);
      Map<String, String> onNode2 = cluster.listing("node-2");
      long movedTtlKeys = onNode2.keySet().stream().filter(k -> k.startsWith("t-")).count();
      assertTrue(movedTtlKeys > KEYS / 5, "keys with a ttl moved to node-2: " + movedTtlKeys);
      for (Map.Entry<String, String> e : expiresAt.entrySet()) {
        assertEquals(
            e.getValue(),
            expiryOf(http.send("GET", router, "/kv/" + e.getKey(), null)),
            e.getKey() + " keeps its expiry across the move");
      }
      for (String key : onNode2.keySet()) {
        if (!key.startsWith("t-")) continue;
        assertTrue(
            new JsonObject(http.send("GET", cluster.port("node-2"), "/kv/" + key, null).body())
                .containsKey("expiresAt"),
            key + " on node-2 has its expiry");
        break;
      }
      assertEquals(KEYS + 100, listedThroughRouter(http, router).size());

      // The injected instant: every node restarted with its clock a second past the expiry.
      List<String> later = List.of("--clock-offset-ms", String.valueOf((TTL_SECONDS + 1) * 1000));
      cluster.configureNode("node-3", later, Map.of());
      for (String id : TWO) cluster.restartNodeWith(id, later);
      assertAllExpired(http, router);

      // A move after the expiry moves none of the expired keys and does not bring them back.
      cluster.startNode("node-3");
      cluster.writeCluster(THREE);
      cluster.awaitSettled(THREE);
      assertFalse(
          cluster.listing("node-3").keySet().stream().anyMatch(k -> !k.startsWith("p-")),
          "an expired key moved");
      assertAllExpired(http, router);
    }
  }

  private static String expiryOf(Http.Reply r) {
    assertEquals(200, r.status(), r.toString());
    String at = new JsonObject(r.body()).getString("expiresAt");
    assertTrue(at != null && at.endsWith("Z"), r.toString());
    return at;
  }

  /** Keys of the router's whole listing. */
  private static java.util.Set<String> listedThroughRouter(Http http, int router) {
    Http.Reply listing = http.send("GET", router, "/kv", null);
    assertEquals(200, listing.status(), listing.toString());
    return new JsonObject(listing.body()).fieldNames();
  }

  private static void assertAllExpired(Http http, int router) {
    for (int i = 0; i < KEYS; i += 7) {
      assertEquals(404, http.send("GET", router, "/kv/t-" + i, null).status(), "t-" + i);
    }
    assertEquals(404, http.send("GET", router, "/kv/b-0", null).status());
    assertEquals(200, http.send("GET", router, "/kv/p-0", null).status());
    java.util.Set<String> listed = listedThroughRouter(http, router);
    assertEquals(50, listed.size(), "only the keys without ttl are listed: " + listed.size());
    Http.Reply page = http.send("GET", router, "/kv?limit=1000", null);
    assertEquals(200, page.status(), page.toString());
    assertEquals(50, new JsonObject(page.body()).getJsonArray("items").size(), "page");
    Http.Reply export = http.send("GET", router, "/admin/export", null);
    assertEquals(200, export.status(), export.toString());
    List<String> lines = export.body().lines().toList();
    assertEquals(50, lines.size(), "export");
    assertTrue(lines.stream().allMatch(l -> l.contains("\"p-")), "export holds only p- keys");
  }
}
