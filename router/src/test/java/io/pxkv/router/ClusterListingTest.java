package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole-cluster listings ({@code GET /kv}, pages, {@code GET /admin/export}) through the router's
 * handlers against three {@link FakeNode}s serving {@code /internal/scan}, in views the test
 * publishes: settled (each key on one node) or moving (node-3 joining, keys on two nodes, deletes
 * as tombstones). Tests block on futures from the JUnit thread.
 */
@ExtendWith(VertxExtension.class)
class ClusterListingTest {
  private static final long WAIT_S = 20;
  private static final String CLUSTER = "listing-test";

  private Vertx vertx;
  private final List<FakeNode> nodes = new ArrayList<>();
  private ClusterConfig all;
  private ClusterConfig firstTwo;
  private ListingRouter router;
  private String routerId;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    nodes.addAll(FakeNode.startAll(vertx, 3));
    List<NodeInfo> infos = FakeNode.infos(nodes);
    all = new ClusterConfig(64, infos);
    firstTwo = new ClusterConfig(64, infos.subList(0, 2));
    router = new ListingRouter(RouterConfig.of(all, 0));
    routerId = vertx.deployVerticle(router).await(WAIT_S, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.undeploy(routerId).await(WAIT_S, TimeUnit.SECONDS);
  }

  // --- views ---

  private void settled(long epoch) throws Exception {
    router
        .route(new ClusterState(CLUSTER, epoch, all, List.of(), 0))
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  /** node-3 joining: keys may be on their owner among node-1/2 and on node-3. */
  private void moving(long epoch) throws Exception {
    router
        .route(new ClusterState(CLUSTER, epoch, firstTwo, List.of(all), 0))
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  // --- the merge through every listing ---

  @Test
  void aKeyOnTwoNodesIsListedOnceAtItsNewestVersionAndADeleteHidesTheOlderCopy() throws Exception {
    moving(2);
    node(1).records().put("copied", new Stored("\"old\"", 5, 1));
    node(3).records().put("copied", new Stored("\"new\"", 9, 1));
    node(2).records().put("deleted", new Stored("\"was here\"", 3, 2));
    node(3).records().put("deleted", Stored.tombstone(7, 3));
    node(1).records().put("revived", Stored.tombstone(4, 1));
    node(3).records().put("revived", new Stored("[1]", 8, 3));
    node(1).records().put("tie", new Stored("\"low writer\"", 6, 7));
    node(2).records().put("tie", new Stored("\"high writer\"", 6, 0x9000_0000));
    node(2).data().put("plain", "true");

    assertEquals(
        "{\"copied\":\"new\",\"plain\":true,\"revived\":[1],\"tie\":\"high writer\"}",
        get("/kv").bodyAsString());
    assertEquals(
        "{\"key\":\"copied\",\"value\":\"new\",\"version\":9,\"writer\":1}\n"
            + "{\"key\":\"plain\",\"value\":true,\"version\":1,\"writer\":0}\n"
            + "{\"key\":\"revived\",\"value\":[1],\"version\":8,\"writer\":3}\n"
            + "{\"key\":\"tie\",\"value\":\"high writer\",\"version\":6,\"writer\":2415919104}\n",
        get("/admin/export").bodyAsString());
    List<String> pages = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = getPage("prefix=", 1, cursor);
      pages.add(page.getJsonArray("items").encode());
      cursor = page.getString("cursor");
    } while (cursor != null);
    assertEquals(
        List.of(
            "[{\"key\":\"copied\",\"value\":\"new\",\"version\":9}]",
            "[{\"key\":\"plain\",\"value\":true,\"version\":1}]",
            "[{\"key\":\"revived\",\"value\":[1],\"version\":8}]",
            "[{\"key\":\"tie\",\"value\":\"high writer\",\"version\":6}]"),
        pages);
  }

  @Test
  void listingsAndExportsAreGzippedForClientsThatAcceptIt() throws Exception {
    settled(1);
    for (int i = 0; i < 40; i++) {
      node(1 + i % 3).data().put("gz-" + i, "{\"pad\":\"" + "p".repeat(200) + "\"}");
    }
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    for (String path : List.of("/kv", "/admin/export", "/kv?prefix=gz-&limit=100")) {
      java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + router.port() + path);
      var zipped =
          http.send(
              java.net.http.HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, zipped.statusCode(), path);
      assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(null), path);
      String text;
      try (var in =
          new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(zipped.body().length * 3 < text.length(), path + " shrinks");
      assertEquals(get(path).bodyAsString(), text, path + " says the same gzipped");
      assertNull(get(path).getHeader("Content-Encoding"), path + " plain without Accept-Encoding");
    }
  }

  @Test
  void tombstonesAreAskedForOnlyWhileKeysMoveAndEveryScanIsTagged() throws Exception {
    settled(4);
    node(1).data().put("a", "1");
    get("/kv");
    getPage("prefix=", 10, null);
    get("/admin/export");
    List<FakeNode.Seen> settledScans = scans();
    assertEquals(9, settledScans.size(), settledScans.toString());
    for (FakeNode.Seen seen : settledScans) {
      assertFalse(seen.uri().contains("deleted"), seen.uri());
      assertEquals("4", seen.epoch(), seen.uri());
    }
    nodes.forEach(n -> n.seen().clear());
    moving(5);
    get("/kv");
    getPage("prefix=", 10, null);
    get("/admin/export");
    List<FakeNode.Seen> movingScans = scans();
    assertEquals(9, movingScans.size(), movingScans.toString());
    for (FakeNode.Seen seen : movingScans) {
      assertTrue(seen.uri().contains("deleted=1"), seen.uri());
      assertEquals("5", seen.epoch(), seen.uri());
    }
  }

  @Test
  void getKvStreamsEveryKeyOnceInUtf8OrderAcrossChunks() throws Exception {
    settled(1);
    String text = "значение-🚀-".repeat(20);
    TreeMap<String, String> model = new TreeMap<>(KeyOrder.UTF8);
    for (int i = 0; i < 600; i++) {
      String key = (i % 3 == 0 ? "\uE000" : i % 3 == 1 ? "🚀" : "ключ") + "-" + i;
      String value = "\"" + text + i + "\"";
      node(1 + i % 3).data().put(key, value);
      model.put(key, value);
    }
    HttpResponse<Buffer> listing = get("/kv");
    assertEquals("application/json", listing.getHeader("Content-Type"));
    assertEquals(objectOf(model), listing.bodyAsString());
  }

  @Test
  void aNodeFarAheadOfTheOthersIsPausedAndNothingIsLost() throws Exception {
    settled(1);
    // node-1's keys all come before the others': the merge holds node-2's and node-3's streams
    // back until node-1 is through, well past the pause threshold.
    TreeMap<String, String> model = new TreeMap<>(KeyOrder.UTF8);
    String filler = "x".repeat(700);
    for (int i = 0; i < 1500; i++) {
      String a = String.format("a-%05d", i);
      String z = String.format("z-%05d", i);
      node(1).data().put(a, "\"" + filler + "\"");
      node(2 + i % 2).data().put(z, "\"" + i + filler + "\"");
      model.put(a, "\"" + filler + "\"");
      model.put(z, "\"" + i + filler + "\"");
    }
    assertEquals(objectOf(model), get("/kv").bodyAsString());
    StringBuilder lines = new StringBuilder();
    model.forEach(
        (k, v) ->
            lines
                .append("{\"key\":\"")
                .append(k)
                .append("\",\"value\":")
                .append(v)
                .append(",\"version\":1,\"writer\":0}\n"));
    assertEquals(lines.toString(), get("/admin/export").bodyAsString());
  }

  @Test
  void anEmptyClusterListsNothing() throws Exception {
    moving(2);
    node(1).records().put("only-deleted", Stored.tombstone(3, 0));
    assertEquals("{}", get("/kv").bodyAsString());
    HttpResponse<Buffer> export = get("/admin/export");
    assertEquals(200, export.statusCode());
    assertEquals("application/x-ndjson", export.getHeader("Content-Type"));
    assertEquals(0, export.body() == null ? 0 : export.body().length());
    assertEquals(new JsonObject("{\"items\":[]}"), getPage("prefix=", 5, null));
  }

  // --- pages ---

  @Test
  void pagesStraddleNodesAndTheLastOneHasNoCursor() throws Exception {
    settled(1);
    for (String k : List.of("a", "c", "e")) node(1).data().put(k, "1");
    for (String k : List.of("b", "d", "f")) node(2).data().put(k, "2");
    JsonObject first = getPage("prefix=", 3, null);
    assertEquals(List.of("a", "b", "c"), keys(first));
    assertNotNull(first.getString("cursor"));
    JsonObject second = getPage("prefix=", 3, first.getString("cursor"));
    assertEquals(List.of("d", "e", "f"), keys(second));
    assertNull(second.getString("cursor"), "nothing follows f: the page says so");
    assertEquals(
        "{\"key\":\"d\",\"value\":2,\"version\":1}",
        second.getJsonArray("items").getJsonObject(0).encode());
  }

  @Test
  void aStretchOfDeletedKeysIsSkippedWithinOnePage() throws Exception {
    moving(2);
    node(1).data().put("a", "1");
    for (int i = 0; i < 500; i++) {
      node(1 + i % 3).records().put(String.format("b-%03d", i), Stored.tombstone(10, 0));
      node(1 + (i + 1) % 3).data().put(String.format("b-%03d", i), "\"older copy\"");
    }
    node(2).data().put("c", "3");
    JsonObject first = getPage("prefix=", 1, null);
    assertEquals(List.of("a"), keys(first));
    JsonObject second = getPage("prefix=", 1, first.getString("cursor"));
    assertEquals(List.of("c"), keys(second));
    assertNull(second.getString("cursor"));
  }

  @Test
  void aPageThatMeetsTooManyDeletedKeysEndsEarlyWithACursor() throws Exception {
    moving(2);
    for (int i = 0; i < 20_000; i++) {
      node(1 + i % 3).records().put(String.format("d-%05d", i), Stored.tombstone(10, 0));
    }
    node(3).data().put("z", "26");
    JsonObject first = getPage("prefix=", 10, null);
    assertEquals(List.of(), keys(first));
    assertNotNull(first.getString("cursor"), "the page stopped early: it must say where to go on");
    List<String> rest = new ArrayList<>();
    String cursor = first.getString("cursor");
    while (cursor != null) {
      JsonObject page = getPage("prefix=", 10, cursor);
      rest.addAll(keys(page));
      cursor = page.getString("cursor");
    }
    assertEquals(List.of("z"), rest);
  }

  /**
   * Random keys, copies on random nodes at random versions, some deleted, listed page by page at
   * several limits and prefixes: following the cursors gives every live key once, in order, at its
   * newest value, with every page but the last full.
   */
  @Test
  void followingEveryCursorListsEveryKeyExactlyOnce() throws Exception {
    moving(2);
    Random random = new Random(42);
    String[] starts = {"p:", "p:x", "q", "\uE000", "🚀", "é"};
    TreeMap<String, String> model = new TreeMap<>(KeyOrder.UTF8);
    for (int i = 0; i < 700; i++) {
      String key = starts[random.nextInt(starts.length)] + Integer.toString(i, 36);
      Stored newest = null;
      int copies = 1 + random.nextInt(3);
      for (int c = 0; c < copies; c++) {
        long version = 1 + random.nextInt(5);
        int writer = c;
        Stored s =
            random.nextInt(4) == 0
                ? Stored.tombstone(version, writer)
                : new Stored(version + "" + writer, version, writer);
        node(1 + random.nextInt(3)).records().put(key, s);
      }
      for (FakeNode n : nodes) {
        Stored s = n.records().get(key);
        if (s != null
            && (newest == null
                || s.version() > newest.version()
                || (s.version() == newest.version() && s.writer() > newest.writer()))) {
          newest = s;
        }
      }
      if (newest.value() != null) model.put(key, newest.value());
    }
    for (Query q : QUERIES) {
      List<Map.Entry<String, String>> expected =
          model.entrySet().stream().filter(e -> q.wanted().test(e.getKey())).toList();
      for (int limit : List.of(1, 7, 100, 1000)) {
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
          JsonObject page = getPage(q.params(), limit, cursor);
          JsonArray items = page.getJsonArray("items");
          cursor = page.getString("cursor");
          if (cursor != null) assertEquals(limit, items.size(), "only the last page is short");
          for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.getJsonObject(i);
            listed.add(item.getString("key") + "=" + item.getValue("value"));
          }
          pages++;
        } while (cursor != null);
        List<String> want =
            expected.stream()
                .map(e -> e.getKey() + "=" + new JsonArray("[" + e.getValue() + "]").getValue(0))
                .toList();
        assertEquals(want, listed, q.params() + ", limit " + limit);
        assertEquals(Math.max(1, (want.size() + limit - 1) / limit), pages);
      }
    }
  }

  /** A paged listing's parameters and which keys it must give. */
  private record Query(String params, java.util.function.Predicate<String> wanted) {}

  private static final List<Query> QUERIES =
      List.of(
          new Query("prefix=", k -> true),
          new Query("prefix=p%3A", k -> k.startsWith("p:")),
          new Query("prefix=" + enc("🚀"), k -> k.startsWith("🚀")),
          new Query("prefix=none", k -> false),
          new Query("match=p%3A*", k -> k.startsWith("p:")),
          new Query("match=*1?", k -> k.length() >= 2 && k.charAt(k.length() - 2) == '1'),
          new Query(
              "match=" + enc("[p\uE000]*[0-4]"),
              k ->
                  (k.startsWith("p") || k.startsWith("\uE000"))
                      && "01234".indexOf(k.charAt(k.length() - 1)) >= 0),
          new Query("prefix=p%3A&match=p%3Ax*", k -> k.startsWith("p:x")),
          new Query("prefix=q&match=p*", k -> false),
          new Query("start=p%3Ax&end=q5", k -> between(k, "p:x", "q5")),
          new Query("start=q&prefix=q", k -> k.startsWith("q")),
          new Query("end=p%3Ay", k -> between(k, "", "p:y")),
          new Query("start=" + enc("é"), k -> between(k, "é", null)),
          new Query("start=q5&end=q5", k -> false),
          new Query(
              "start=p%3A&end=q&match=*[a-f]", k -> between(k, "p:", "q") && k.matches(".*[a-f]")));

  private static boolean between(String key, String start, String end) {
    return KeyOrder.UTF8.compare(key, start) >= 0
        && (end == null || KeyOrder.UTF8.compare(key, end) < 0);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aRangeStartsAtItsStartKeyOnWhicheverNodeHoldsIt() throws Exception {
    moving(2);
    for (int i = 0; i < 30; i++)
      node(1 + i % 3).data().put(String.format("k%02d", i), String.valueOf(i));
    // k10's newest state is a delete on another node; k12 sits on two nodes.
    node(1).records().put("k10", Stored.tombstone(5, 0));
    node(3).records().put("k12", new Stored("\"newer\"", 5, 0));
    assertEquals(List.of("k11", "k12", "k13", "k14"), allKeys("start=k10&end=k15", 2));
    assertEquals(List.of("k12", "k13"), allKeys("start=k12&end=k14", 1));
    assertEquals(List.of("k13"), allKeys("start=k12a&end=k14", 5));
    assertEquals(
        "newer",
        getPage("start=k12", 1, null).getJsonArray("items").getJsonObject(0).getString("value"));
  }

  @Test
  void aGlobAsksNodesForItsLiteralPrefixAndASparseOneStillFindsEveryMatch() throws Exception {
    settled(1);
    for (int i = 0; i < 20_000; i++) node(1 + i % 3).data().put(String.format("user:%05d", i), "1");
    node(2).data().put("admin:1", "1");
    List<String> found = allKeys("match=user%3A*77", 10);
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      if (i % 100 == 77) want.add(String.format("user:%05d", i));
    }
    assertEquals(want, found);
    for (FakeNode.Seen seen : scans()) {
      assertTrue(seen.uri().contains("prefix=user%3A"), seen.uri());
    }
    assertError(get("/kv?match=" + enc("[abc")), 400, "invalid_request");
    assertError(get("/kv?match=" + enc("abc\\")), 400, "invalid_request");
    String cursor = getPage("match=user%3A*", 1, null).getString("cursor");
    assertError(get("/kv?match=user%3A1*&cursor=" + cursor), 400, "invalid_cursor");
  }

  @Test
  void badLimitsAndCursorsAre400() throws Exception {
    settled(1);
    for (String limit : List.of("0", "1001", "-1", "ten", "")) {
      assertError(get("/kv?limit=" + limit), 400, "invalid_limit");
    }
    for (String cursor : List.of("!!!", "bm90IGpzb24", "eyJuIjoibm9kZS05In0")) {
      assertError(get("/kv?cursor=" + cursor), 400, "invalid_cursor");
    }
    node(1).data().put("user:1", "1");
    node(1).data().put("user:2", "2");
    String cursor = getPage("prefix=user%3A", 1, null).getString("cursor");
    assertError(get("/kv?prefix=admin:&cursor=" + cursor), 400, "invalid_cursor");
    for (FakeNode n : nodes) {
      for (FakeNode.Seen seen : n.seen()) {
        assertTrue(seen.uri().contains("prefix=user%3A"), "a bad page asked no node: " + seen);
      }
    }
  }

  // --- failures and view changes ---

  @Test
  void aStaleViewRoutesTheListingAgainByTheNewerView() throws Exception {
    settled(1);
    node(1).data().put("a", "1");
    node(3).data().put("c", "3");
    for (String uri : List.of("/kv", "/kv?limit=5", "/admin/export")) {
      settled(1);
      nodes.forEach(n -> n.refuseEpochsBelow(2));
      nodes.get(1).refuseEpochsBelow(0); // node-2 is still on view 1: only some refuse
      Future<HttpResponse<Buffer>> answer = client.get(router.port(), "127.0.0.1", uri).send();
      waitFor(() -> scans().stream().anyMatch(s -> "1".equals(s.epoch())));
      settled(2);
      HttpResponse<Buffer> response = answer.await(WAIT_S, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode(), uri + ": " + response.bodyAsString());
      assertTrue(response.bodyAsString().contains("\"c\""), response.bodyAsString());
      assertTrue(scans().stream().anyMatch(s -> "2".equals(s.epoch())), uri);
      nodes.forEach(n -> n.seen().clear());
      nodes.forEach(n -> n.refuseEpochsBelow(0));
    }
  }

  @Test
  void aNodeThatIsDownFailsTheListingBeforeAnythingIsSent() throws Exception {
    settled(1);
    node(1).data().put("a", "1");
    node(2).stop().await(WAIT_S, TimeUnit.SECONDS);
    for (String uri : List.of("/kv", "/kv?limit=5", "/admin/export")) {
      HttpResponse<Buffer> failed = get(uri);
      assertError(failed, 503, "node_unavailable");
      assertTrue(failed.bodyAsString().contains("node-2"), failed.bodyAsString());
    }
  }

  @Test
  void aNodeWithoutScansIsA503NamingIt() throws Exception {
    settled(1);
    // A scan refused with anything but a stale view (here: an old node's 404 for the path) is that
    // node's failure, not the client's.
    router
        .route(
            new ClusterState(
                CLUSTER,
                2,
                new ClusterConfig(64, List.of(NodeInfo.of("node-1", "127.0.0.1", router.port()))),
                List.of(),
                0))
        .await(WAIT_S, TimeUnit.SECONDS);
    assertError(get("/kv"), 503, "node_unavailable");
    assertError(get("/kv?limit=3"), 503, "node_unavailable");
  }

  @Test
  void aScanCutMidStreamResetsTheClientsConnection() throws Exception {
    settled(1);
    for (int i = 0; i < 300; i++) {
      node(1 + i % 3).data().put("k" + i, "\"" + "v".repeat(100) + "\"");
    }
    node(3).breakListing(true);
    for (String uri : List.of("/kv", "/admin/export")) {
      Throwable failure =
          client
              .get(router.port(), "127.0.0.1", uri)
              .send()
              .transform(ar -> Future.succeededFuture(ar.cause()))
              .await(WAIT_S, TimeUnit.SECONDS);
      assertNotNull(failure, uri + ": a cut listing must not arrive as a complete response");
    }
  }

  @Test
  void aClientThatLeavesBeforeTheScansAnswerHasThemReset() throws Exception {
    settled(1);
    nodes.forEach(n -> n.delay(300));
    CompletableFuture<Object> dropped =
        CompletableFuture.anyOf(
            nodes.stream()
                .map(FakeNode::listingConnectionClosed)
                .toArray(CompletableFuture[]::new));
    try (Socket socket = new Socket("127.0.0.1", router.port())) {
      socket
          .getOutputStream()
          .write("GET /kv HTTP/1.1\r\nHost: router\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
    dropped.get(WAIT_S, TimeUnit.SECONDS);
  }

  // --- helpers ---

  private FakeNode node(int number) {
    return nodes.get(number - 1);
  }

  private List<FakeNode.Seen> scans() {
    List<FakeNode.Seen> scans = new ArrayList<>();
    for (FakeNode n : nodes) {
      for (FakeNode.Seen s : n.seen()) {
        if (s.uri().startsWith("/internal/scan")) scans.add(s);
      }
    }
    return scans;
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

  /** Every key of a paged listing, following its cursors. */
  private List<String> allKeys(String params, int limit) throws Exception {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = getPage(params, limit, cursor);
      all.addAll(keys(page));
      cursor = page.getString("cursor");
    } while (cursor != null);
    return all;
  }

  private static List<String> keys(JsonObject page) {
    List<String> keys = new ArrayList<>();
    JsonArray items = page.getJsonArray("items");
    for (int i = 0; i < items.size(); i++) keys.add(items.getJsonObject(i).getString("key"));
    return keys;
  }

  private JsonObject getPage(String params, int limit, String cursor) throws Exception {
    String uri = "/kv?" + params + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
    HttpResponse<Buffer> page = get(uri);
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertEquals("application/json", page.getHeader("Content-Type"));
    return page.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> get(String uri) throws Exception {
    return client
        .request(HttpMethod.GET, router.port(), "127.0.0.1", uri)
        .send()
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    Await.until("the condition", Duration.ofSeconds(WAIT_S), condition);
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/json", response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), body.encode());
    assertTrue(body.getString("message").length() > 5, body.encode());
  }
}
