package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.testing.Await;
import io.pxkv.router.FakeNode.Stored;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Listings while keys move, when a key left one node after another node's scan had passed it: the
 * old node's scan shows only its handoff marker, the owner's scan never saw the key, yet the key
 * existed throughout. Three {@link FakeNode}s, node-3 joining node-1 and node-2; a marker is
 * resolved by reading the key on its owner ({@code /internal/read}, which sees what "arrived
 * late"), unless a copy at the marker's write or newer is on another node's scan.
 */
@ExtendWith(VertxExtension.class)
class HandedOffListingTest {
  private static final long WAIT_S = 20;
  private static final String CLUSTER = "markers-test";

  private final List<FakeNode> nodes = new ArrayList<>();
  private ClusterState moving;
  private ListingRouter router;
  private String routerId;
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    nodes.addAll(FakeNode.startAll(vertx, 3));
    List<NodeInfo> infos = FakeNode.infos(nodes);
    ClusterConfig all = new ClusterConfig(64, infos);
    moving =
        new ClusterState(CLUSTER, 2, new ClusterConfig(64, infos.subList(0, 2)), List.of(all), 0);
    router = new ListingRouter(RouterConfig.of(all, 0));
    routerId = vertx.deployVerticle(router).await(WAIT_S, TimeUnit.SECONDS);
    router.route(moving).await(WAIT_S, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.undeploy(routerId).await(WAIT_S, TimeUnit.SECONDS);
  }

  /** Keys node-3 takes over from another node: {@code n} of them with {@code prefix}, in order. */
  private List<String> joiningKeys(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      String key = prefix + String.format("%04d", i);
      if (moving.placement().owner(key).equals("node-3")) keys.add(key);
    }
    return keys;
  }

  /** The node that held {@code key} before node-3 joined. */
  private FakeNode oldHolder(String key) {
    List<String> holders = moving.placement().holdersOf(key);
    assertEquals(List.of("node-3"), holders.subList(0, 1));
    return node(Integer.parseInt(holders.get(1).substring("node-".length())));
  }

  /** {@code key} left its old node with write (version, writer) and reached node-3 too late. */
  private void leftAfterTheOwnersScan(String key, String value, long version, int writer) {
    oldHolder(key).records().put(key, Stored.marker(version, writer));
    node(3).arrivedLate().put(key, new Stored(value, version, writer));
  }

  @Test
  void aKeyThatLeftBehindItsOwnersScanIsListedOnceByEveryListing() throws Exception {
    String k = joiningKeys("k", 1).get(0);
    node(1).data().put("a", "1");
    node(2).data().put("z", "26");
    leftAfterTheOwnersScan(k, "\"moved\"", 5, 0x9000_0000);

    assertEquals("{\"a\":1,\"" + k + "\":\"moved\",\"z\":26}", get("/kv").bodyAsString());
    assertEquals(
        "{\"key\":\"a\",\"value\":1,\"version\":1,\"writer\":0}\n"
            + ("{\"key\":\"" + k + "\",\"value\":\"moved\",\"version\":5,\"writer\":2415919104}\n")
            + "{\"key\":\"z\",\"value\":26,\"version\":1,\"writer\":0}\n",
        get("/admin/export").bodyAsString());
    for (int limit : List.of(1, 2, 1000)) {
      assertEquals(List.of("a=1", k + "=moved", "z=26"), pages("prefix=", limit), "limit " + limit);
    }
    assertEquals(List.of(k + "=moved"), pages("prefix=k", 5));
    assertEquals(List.of(k + "=moved"), pages("match=k*", 5));
    List<FakeNode.Seen> reads = reads(node(3));
    assertTrue(reads.size() >= 6, "the owner was asked: " + reads);
    for (FakeNode.Seen read : reads) assertEquals("2", read.epoch(), "tagged with the view");
  }

  @Test
  void aMarkerOfAKeyTheOwnerNoLongerHasListsNothing() throws Exception {
    List<String> keys = joiningKeys("g", 2);
    node(1).data().put("a", "1");
    oldHolder(keys.get(0)).records().put(keys.get(0), Stored.marker(5, 1));
    node(3).arrivedLate().put(keys.get(0), Stored.tombstone(9, 3)); // deleted on its owner
    oldHolder(keys.get(1)).records().put(keys.get(1), Stored.marker(5, 1)); // and gone from all

    assertEquals("{\"a\":1}", get("/kv").bodyAsString());
    assertEquals(
        "{\"key\":\"a\",\"value\":1,\"version\":1,\"writer\":0}\n",
        get("/admin/export").bodyAsString());
    for (int limit : List.of(1, 3)) {
      assertEquals(List.of("a=1"), pages("prefix=", limit), "limit " + limit);
    }
    assertEquals(List.of(), pages("prefix=g", 1));
  }

  @Test
  void aCopyAtTheMarkersWriteOrNewerOnAnotherScanCostsNoRead() throws Exception {
    List<String> keys = joiningKeys("c", 4);
    String same = keys.get(0);
    String newer = keys.get(1);
    String deleted = keys.get(2);
    String unwanted = keys.get(3);
    oldHolder(same).records().put(same, Stored.marker(5, 1));
    node(3).records().put(same, new Stored("\"copy\"", 5, 1)); // the copy that arrived
    oldHolder(newer).records().put(newer, Stored.marker(5, 1));
    node(3).records().put(newer, new Stored("\"written since\"", 7, 3));
    oldHolder(deleted).records().put(deleted, Stored.marker(5, 1));
    node(3).records().put(deleted, Stored.tombstone(6, 3));
    leftAfterTheOwnersScan(unwanted, "\"not asked for\"", 5, 1);

    String want = "{\"" + same + "\":\"copy\",\"" + newer + "\":\"written since\"";
    assertEquals(want + ",\"" + unwanted + "\":\"not asked for\"}", get("/kv").bodyAsString());
    nodes.forEach(n -> n.seen().clear());
    String unwantedLast = unwanted.substring(unwanted.length() - 1);
    // Listings that leave out the one key whose copy is not on any scan: no read at all.
    String glob = "c*[^" + unwantedLast + "]";
    List<String> expected = new ArrayList<>();
    if (!same.endsWith(unwantedLast)) expected.add(same + "=copy");
    if (!newer.endsWith(unwantedLast)) expected.add(newer + "=written since");
    assertEquals(expected, pages("match=" + enc(glob), 2));
    assertEquals(
        List.of(same + "=copy", newer + "=written since"),
        pages("prefix=c&end=" + enc(unwanted), 1));
    for (FakeNode n : nodes) assertEquals(List.of(), reads(n), n.id() + " was read");
  }

  /**
   * The nodes move to a newer view while a streamed listing, whose scans were opened by the older
   * one, reads a key that left: the read is refused as stale and routed again by the newer view,
   * and the listing goes on. (The scans already open are not affected.)
   */
  @Test
  void aViewChangeWhileAListingReadsAKeyThatLeftRoutesTheReadAgain() throws Exception {
    String k = joiningKeys("v", 1).get(0);
    node(1).data().put("a", "1");
    leftAfterTheOwnersScan(k, "\"moved\"", 5, 1);
    long epoch = moving.epoch();
    for (String uri : List.of("/kv", "/admin/export", "/kv?limit=10")) {
      String old = String.valueOf(epoch);
      String next = String.valueOf(epoch + 1);
      node(3).refuseReadsBelow(epoch + 1);
      Future<HttpResponse<Buffer>> answer = client.get(router.port(), "127.0.0.1", uri).send();
      waitFor(() -> reads(node(3)).stream().anyMatch(r -> r.epoch().equals(old)));
      router.route(view(epoch + 1)).await(WAIT_S, TimeUnit.SECONDS);
      HttpResponse<Buffer> response = answer.await(WAIT_S, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode(), uri + ": " + response.bodyAsString());
      assertTrue(response.bodyAsString().contains("moved"), uri + ": " + response.bodyAsString());
      assertTrue(
          reads(node(3)).stream().anyMatch(r -> r.epoch().equals(next)),
          uri + ": read again by the newer view");
      epoch += 2;
      router.route(view(epoch)).await(WAIT_S, TimeUnit.SECONDS);
      nodes.forEach(n -> n.seen().clear());
    }
  }

  /** The moving view again (same layouts) under another epoch. */
  private ClusterState view(long epoch) {
    return new ClusterState(CLUSTER, epoch, moving.settled(), moving.layouts(), 0);
  }

  @Test
  void aReadThatFailsFailsTheListing() throws Exception {
    String k = joiningKeys("f", 1).get(0);
    for (int i = 0; i < 200; i++) node(1).data().put("a" + i, "\"" + "v".repeat(100) + "\"");
    leftAfterTheOwnersScan(k, "1", 5, 1);
    node(3).failReads(true);
    HttpResponse<Buffer> page = get("/kv?limit=1000");
    assertEquals(503, page.statusCode(), page.bodyAsString());
    assertEquals("node_unavailable", page.bodyAsJsonObject().getString("error"));
    for (String uri : List.of("/kv", "/admin/export")) {
      Throwable failure =
          client
              .get(router.port(), "127.0.0.1", uri)
              .send()
              .transform(ar -> Future.succeededFuture(ar.cause()))
              .await(WAIT_S, TimeUnit.SECONDS);
      assertNotNull(failure, uri + ": a listing missing a key must not arrive as a whole one");
    }
  }

  /**
   * Hundreds of keys that left behind their owner's scan among keys that did not, read back from a
   * slow owner: every listing gives each key once, in order, with its value.
   */
  @Test
  void manyMarkersResolvedAtOnceKeepTheirOrder() throws Exception {
    TreeMap<String, String> model = new TreeMap<>(KeyOrder.UTF8);
    List<String> keys = joiningKeys("m", 600);
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String value = "\"" + "x".repeat(i % 50) + i + "\"";
      model.put(key, value);
      if (i % 3 == 0) {
        node(3).data().put(key, value);
      } else {
        leftAfterTheOwnersScan(key, value, 10 + i, 1);
      }
      node(1 + i % 2).data().put("n" + key, value); // keys that never moved, in between
      model.put("n" + key, value);
    }
    node(3).delay(2);
    assertEquals(objectOf(model), get("/kv").bodyAsString());
    StringBuilder export = new StringBuilder();
    for (Map.Entry<String, String> e : model.entrySet()) {
      int i = keys.indexOf(e.getKey());
      boolean moved = i >= 0 && i % 3 != 0;
      export
          .append("{\"key\":\"")
          .append(e.getKey())
          .append("\",\"value\":")
          .append(e.getValue())
          .append(",\"version\":")
          .append(moved ? 10 + i : 1)
          .append(",\"writer\":")
          .append(moved ? 1 : 0)
          .append("}\n");
    }
    assertEquals(export.toString(), get("/admin/export").bodyAsString());
    List<String> want = new ArrayList<>();
    model.forEach((k, v) -> want.add(k + "=" + new JsonArray("[" + v + "]").getValue(0)));
    assertEquals(want, pages("prefix=", 97));
  }

  // --- helpers ---

  private FakeNode node(int number) {
    return nodes.get(number - 1);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    Await.until("the condition", Duration.ofSeconds(WAIT_S), condition);
  }

  private static List<FakeNode.Seen> reads(FakeNode node) {
    return node.seen().stream().filter(s -> s.uri().startsWith("/internal/read")).toList();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Every {@code key=value} of a paged listing, following its cursors; each page but the last full.
   */
  private List<String> pages(String params, int limit) throws Exception {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      String uri =
          "/kv?" + params + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<Buffer> response = get(uri);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject page = response.bodyAsJsonObject();
      JsonArray items = page.getJsonArray("items");
      cursor = page.getString("cursor");
      if (cursor != null) assertEquals(limit, items.size(), "only the last page is short");
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        all.add(item.getString("key") + "=" + item.getValue("value"));
      }
    } while (cursor != null);
    return all;
  }

  private HttpResponse<Buffer> get(String uri) throws Exception {
    return client
        .request(HttpMethod.GET, router.port(), "127.0.0.1", uri)
        .send()
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  private static String objectOf(TreeMap<String, String> pairs) {
    StringBuilder expected = new StringBuilder("{");
    pairs.forEach(
        (k, v) -> {
          if (expected.length() > 1) expected.append(',');
          expected
              .append(new String(KvJson.quote(k), StandardCharsets.UTF_8))
              .append(':')
              .append(v);
        });
    return expected.append('}').toString();
  }
}
