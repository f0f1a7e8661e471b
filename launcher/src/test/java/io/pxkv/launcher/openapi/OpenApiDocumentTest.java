package io.pxkv.launcher.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.launcher.TestCluster;
import io.pxkv.launcher.openapi.ValidatingProxy.Exchange;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml against a real router in front of three real nodes: every operation the
 * document names is called, with answers of success and of error, through a {@link ValidatingProxy}
 * that checks each request and each answer against the document. An answer the document does not
 * describe (a status, a property, a Content-Type) fails the test; so does a request the test sends
 * as valid that the document refuses, and a request the server refuses for a reason the document
 * states (an empty key, a limit of 0) that the document accepts. The last test checks that every
 * operation was called.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiDocumentTest {
  static final Path REPO =
      Path.of(System.getProperty("pxkv.repo", "..")).toAbsolutePath().normalize();
  static final Path DOCUMENT = REPO.resolve("docs/openapi.yaml");

  private TestCluster cluster;
  private Vertx vertx;
  private ValidatingProxy proxy;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Set<String> called = new TreeSet<>();
  private ApiDocument document;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    cluster =
        TestCluster.withIndexes(
            dir,
            3,
            List.of(
                new IndexSpec("price", "/price", IndexSpec.Type.NUMBER, 0, null),
                new IndexSpec("name", "/name", IndexSpec.Type.STRING, 0, null),
                new IndexSpec("emb", "/emb", IndexSpec.Type.VECTOR, 2, IndexSpec.Metric.COSINE)));
    vertx = Vertx.vertx();
    document = ApiDocument.load(vertx, Files.readString(DOCUMENT)).await(30, TimeUnit.SECONDS);
    proxy =
        ValidatingProxy.start(vertx, document, cluster.routerPort()).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void theRouterServesTheDocumentOfTheDocs() throws Exception {
    Exchange e = ok("GET", "/openapi.yaml", null, null, 200);
    assertEquals(Files.readString(DOCUMENT), e.bodyText());
    assertEquals("application/yaml", e.contentType());
  }

  @Test
  @Order(2)
  void singleKeyCalls() throws Exception {
    String put = "{\"key\":\"user:1\",\"value\":{\"name\":\"Ada\"}}";
    ok("PUT", "/kv", "application/json", put, 201);
    ok("PUT", "/kv", "application/json", put, 200);
    shaped("Pair", ok("GET", "/kv?key=user%3A1", null, null, 200));
    shaped("Pair", ok("GET", "/kv", "application/json", "{\"key\":\"user:1\"}", 200));
    ok("DELETE", "/kv", "application/json", "{\"key\":\"user:1\"}", 200);
    ok("DELETE", "/kv", "application/json", "{\"key\":\"user:1\"}", 404);
    ok("GET", "/kv?key=user%3A1", null, null, 404);

    String key = "/kv/" + pathEncode("greeting en/🚀?");
    ok("PUT", key, "application/json", "\"hello\"", 201);
    ok("PUT", key, "application/json", "[1.10, {\"a\": null}]", 200);
    Exchange read = ok("GET", key, null, null, 200);
    assertEquals("greeting en/🚀?", new JsonObject(read.bodyText()).getString("key"));
    ok("DELETE", key, null, null, 200);
    ok("DELETE", key, null, null, 404);
    ok("GET", key, null, null, 404);
    ok("PUT", "/kv", "application/json", "{\"key\":\"a+b c\",\"value\":1}", 201);
    shaped("Pair", ok("GET", "/kv?key=" + queryEncode("a+b c"), null, null, 200));
    ok("DELETE", "/kv?key=" + queryEncode("a+b c"), null, null, 200);

    // Keys that expire: the answers carry expiresAt, and so does the export.
    ok("PUT", "/kv/expiring?ttl=3600", "application/json", "1", 201);
    ok("PUT", "/kv", "application/json", "{\"key\":\"expiring2\",\"value\":2,\"ttl\":60}", 201);
    Exchange expiring = shaped("Pair", ok("GET", "/kv/expiring", null, null, 200));
    assertTrue(new JsonObject(expiring.bodyText()).containsKey("expiresAt"));
    shaped("Pair", ok("GET", "/kv?key=expiring2", null, null, 200));
    ok("DELETE", "/kv/expiring", null, null, 200);
    ok("DELETE", "/kv?key=expiring2", null, null, 200);
  }

  @Test
  @Order(3)
  void singleKeyErrors() throws Exception {
    // Refused by the document and by the server alike.
    refused("PUT", "/kv", "application/json", "{\"key\":\"\",\"value\":1}", 400, "invalid_key");
    refused("PUT", "/kv", "application/json", "{\"key\":\"k\"}", 400, "missing_value");
    refused("PUT", "/kv", "application/json", "[1]", 400, "invalid_json");
    refused("PUT", "/kv/x?ttl=0", "application/json", "1", 400, "invalid_request");
    refused("PUT", "/kv/x?ttl=1.5", "application/json", "1", 400, "invalid_request");
    refused(
        "PUT",
        "/kv",
        "application/json",
        "{\"key\":\"x\",\"value\":1,\"ttl\":-1}",
        400,
        "invalid_request");
    refused("GET", "/kv?key=", null, null, 400, "invalid_key");
    refused("DELETE", "/kv", "application/json", "{}", 400, "invalid_key");
    refused("PUT", "/kv", "application/json", "{\"key\":", 400, "invalid_json");
    Exchange notAllowed = error("POST", "/kv", "application/json", "{}", 405, "method_not_allowed");
    assertEquals("GET, PUT, DELETE", notAllowed.headers().get("Allow"));
    error("POST", "/kv/x", "application/json", "1", 405, "method_not_allowed");
    // What the document cannot say (bytes, sizes, depth): valid there, refused by the server.
    // 600 characters, 1200 bytes: within the document's maxLength, over the server's byte limit.
    error("GET", "/kv/" + "%C3%A9".repeat(600), null, null, 400, "invalid_key");
    error(
        "PUT",
        "/kv/deep",
        "application/json",
        "[".repeat(100) + "]".repeat(100),
        400,
        "invalid_value");
    String big = "\"" + "x".repeat(1_100_000) + "\"";
    error("PUT", "/kv/big", "application/json", big, 413, "value_too_large");
    String huge = "\"" + "x".repeat(2_300_000) + "\"";
    error("PUT", "/kv/huge", "application/json", huge, 413, "body_too_large");
  }

  @Test
  @Order(4)
  void listingsAndPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      ok("PUT", "/kv/" + pathEncode("page:" + i), "application/json", String.valueOf(i), 201);
    }
    JsonObject all =
        new JsonObject(shaped("AllPairs", ok("GET", "/kv", null, null, 200)).bodyText());
    assertEquals(5, all.size());
    JsonObject first =
        new JsonObject(
            shaped("Page", ok("GET", "/kv?prefix=page%3A&limit=3", null, null, 200)).bodyText());
    assertEquals(3, first.getJsonArray("items").size());
    String cursor = first.getString("cursor");
    JsonObject last =
        new JsonObject(
            shaped(
                    "Page",
                    ok(
                        "GET",
                        "/kv?prefix=page%3A&limit=3&cursor=" + queryEncode(cursor),
                        null,
                        null,
                        200))
                .bodyText());
    assertEquals(2, last.getJsonArray("items").size());
    assertNull(last.getString("cursor"));
    shaped("Page", ok("GET", "/kv?match=page%3A%5B13%5D", null, null, 200));
    shaped("Page", ok("GET", "/kv?start=page%3A1&end=page%3A3&limit=10", null, null, 200));
    refused("GET", "/kv?limit=0", null, null, 400, "invalid_limit");
    refused("GET", "/kv?limit=1001", null, null, 400, "invalid_limit");
    error("GET", "/kv?cursor=nonsense", null, null, 400, "invalid_cursor");
    error("GET", "/kv?match=%5Babc", null, null, 400, "invalid_request");
  }

  @Test
  @Order(5)
  void backupAndRestore() throws Exception {
    Exchange export = ok("GET", "/admin/export", null, null, 200);
    String lines = export.bodyText();
    assertEquals(5, lines.split("\n").length, lines);
    ok(
        "POST",
        "/admin/import",
        "application/x-ndjson",
        lines + "{\"key\":\"plain\",\"value\":[]}\n",
        200);
    refused(
        "POST",
        "/admin/import",
        "application/x-ndjson",
        "{\"key\":\"fine\",\"value\":1}\n{\"key\":\"\",\"value\":1}\n",
        400,
        "invalid_key");
  }

  @Test
  @Order(6)
  void statusCalls() throws Exception {
    JsonObject health = new JsonObject(ok("GET", "/health", null, null, 200).bodyText());
    assertEquals(3, health.getInteger("up"));
    JsonObject status = new JsonObject(ok("GET", "/admin/cluster", null, null, 200).bodyText());
    assertEquals(3, status.getJsonArray("nodes").size());
    JsonObject move = new JsonObject(ok("GET", "/admin/rebalance", null, null, 200).bodyText());
    assertEquals("done", move.getString("phase"));
    refused("POST", "/health", null, null, 405, "method_not_allowed");
  }

  @Test
  @Order(7)
  void queriesByIndexes() throws Exception {
    ok("PUT", "/kv/q1", "application/json", "{\"price\":2,\"name\":\"Ada\",\"emb\":[1,0]}", 201);
    ok("PUT", "/kv/q2", "application/json", "{\"price\":4,\"name\":\"Alan\",\"emb\":[0,1]}", 201);
    JsonObject range =
        new JsonObject(
            shaped("Page", ok("GET", "/query?index=price&min=1&max=5&limit=1", null, null, 200))
                .bodyText());
    assertEquals("q1", range.getJsonArray("items").getJsonObject(0).getString("key"));
    String next =
        "/query?index=price&min=1&max=5&limit=1&cursor=" + queryEncode(range.getString("cursor"));
    shaped("Page", ok("GET", next, null, null, 200));
    shaped("Page", ok("GET", "/query?index=name&eq=Ada&limit=10", null, null, 200));
    shaped("Page", ok("GET", "/query?index=name&prefix=A", null, null, 200));
    JsonObject knn =
        new JsonObject(
            ok(
                    "POST",
                    "/query/knn",
                    "application/json",
                    "{\"index\":\"emb\",\"vector\":[0.1,0.9],\"k\":1}",
                    200)
                .bodyText());
    assertEquals("q2", knn.getJsonArray("items").getJsonObject(0).getString("key"));
    error("GET", "/query?index=nope&min=1", null, null, 400, "unknown_index");
    error("GET", "/query?index=price&min=5&max=1", null, null, 400, "invalid_request");
    error(
        "POST",
        "/query/knn",
        "application/json",
        "{\"index\":\"emb\",\"vector\":[0.1,0.2,0.3],\"k\":3}",
        400,
        "invalid_request");
    refused("GET", "/query?min=1", null, null, 400, "invalid_request");
    refused("GET", "/query?index=price&min=cheap", null, null, 400, "invalid_request");
    refused(
        "POST",
        "/query/knn",
        "application/json",
        "{\"index\":\"emb\",\"vector\":[\"a\"]}",
        400,
        "invalid_request");
    refused(
        "POST",
        "/query/knn",
        "application/json",
        "{\"index\":\"emb\",\"vector\":[1,2],\"k\":1001}",
        400,
        "invalid_request");
  }

  /**
   * The check is real: each of these edits makes the document disagree with the router in one small
   * way, and the same calls as above are then found wrong.
   */
  @Test
  @Order(8)
  void aDocumentThatDriftedFromTheRouterFailsTheCheck() throws Exception {
    JsonObject original = ApiDocument.parse(Files.readString(DOCUMENT));
    String put = "{\"key\":\"drift\",\"value\":1}";

    JsonObject no201 = original.copy();
    no201
        .getJsonObject("paths")
        .getJsonObject("/kv")
        .getJsonObject("put")
        .getJsonObject("responses")
        .remove("201");
    assertDrift(no201, "DELETE", "/kv?key=drift", null, null, 404, List.of());
    assertDrift(no201, "PUT", "/kv", "application/json", put, 201, List.of("201"));

    JsonObject pairWithTtl = original.copy();
    schema(pairWithTtl, "Pair").getJsonArray("required").add("expiresAt");
    assertDrift(pairWithTtl, "GET", "/kv/drift", null, null, 200, List.of("expiresAt"));

    JsonObject deleteWithoutVersion = original.copy();
    schema(deleteWithoutVersion, "Deleted").getJsonObject("properties").remove("version");
    assertDrift(deleteWithoutVersion, "DELETE", "/kv/drift", null, null, 200, List.of("version"));

    JsonObject exportWithoutWriter = original.copy();
    schema(exportWithoutWriter, "ExportLine").getJsonObject("properties").remove("writer");
    schema(exportWithoutWriter, "ExportLine").getJsonArray("required").remove("writer");
    assertDrift(exportWithoutWriter, "GET", "/admin/export", null, null, 200, List.of("writer"));

    JsonObject otherErrorCode = original.copy();
    otherErrorCode
        .getJsonObject("components")
        .getJsonObject("responses")
        .getJsonObject("NotFound")
        .getJsonObject("content")
        .getJsonObject("application/json")
        .getJsonObject("schema")
        .getJsonArray("allOf")
        .getJsonObject(1)
        .getJsonObject("properties")
        .put("error", new JsonObject().put("const", "no_such_key"));
    assertDrift(otherErrorCode, "GET", "/kv/drift", null, null, 404, List.of("no_such_key"));

    JsonObject pageWithTotal = original.copy();
    schema(pageWithTotal, "Page").getJsonArray("required").add("total");
    ApiDocument drifted = ApiDocument.load(vertx, pageWithTotal).await(30, TimeUnit.SECONDS);
    String page = send("GET", "/kv?prefix=page%3A&limit=2", null, null).bodyText();
    assertTrue(document.checkSchema("Page", page).isEmpty(), page);
    assertTrue(drifted.checkSchema("Page", page).toString().contains("total"), page);

    JsonObject smallerLimit = original.copy();
    smallerLimit
        .getJsonObject("paths")
        .getJsonObject("/kv")
        .getJsonObject("get")
        .getJsonArray("parameters")
        .getJsonObject(2)
        .getJsonObject("schema")
        .put("maximum", 50);
    assertDrift(smallerLimit, "GET", "/kv?limit=100", null, null, 200, List.of("limit"));
  }

  private static JsonObject schema(JsonObject document, String name) {
    return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /**
   * Makes one call through a proxy checking against {@code drifted}: the router answers {@code
   * status} as ever, and the check reports problems naming each of {@code mentions} (none expected
   * when {@code mentions} is empty: a call the edit does not concern still passes).
   */
  private void assertDrift(
      JsonObject drifted,
      String method,
      String uri,
      String type,
      String body,
      int status,
      List<String> mentions)
      throws Exception {
    ApiDocument doc = ApiDocument.load(vertx, drifted).await(30, TimeUnit.SECONDS);
    ValidatingProxy checking =
        ValidatingProxy.start(vertx, doc, cluster.routerPort()).await(30, TimeUnit.SECONDS);
    Exchange e = exchange(checking, method, uri, type, body);
    assertEquals(status, e.status(), e.toString());
    String problems = e.requestProblems() + " " + e.responseProblems();
    if (mentions.isEmpty()) {
      assertNoProblems(e);
    } else {
      assertFalse(
          e.requestProblems().isEmpty() && e.responseProblems().isEmpty(), "drift not found: " + e);
      for (String m : mentions) assertTrue(problems.contains(m), m + " not in " + problems);
    }
  }

  @Test
  @Order(9)
  void aNodeDownIsA503() throws Exception {
    for (int i = 0; i < 12; i++) {
      ok("PUT", "/kv/" + pathEncode("down:" + i), "application/json", "true", 201);
    }
    cluster.stopNode(3);
    Exchange health = ok("GET", "/health", null, null, 503);
    assertEquals("unavailable", new JsonObject(health.bodyText()).getString("error"));
    JsonArray nodes =
        new JsonObject(ok("GET", "/admin/cluster", null, null, 200).bodyText())
            .getJsonArray("nodes");
    assertTrue(nodes.encode().contains("\"state\":\"down\""), nodes.encode());
    Set<Integer> statuses = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      Exchange e = send("GET", "/kv/" + pathEncode("down:" + i), null, null);
      assertNoProblems(e);
      statuses.add(e.status());
    }
    assertEquals(Set.of(200, 503), statuses, "keys of node-3 answer 503, the others 200");
    Exchange export = send("GET", "/admin/export", null, null);
    assertNoProblems(export);
    assertEquals(503, export.status());
  }

  @Test
  @Order(10)
  void everyOperationOfTheDocumentWasCalled() {
    Set<String> missing = new TreeSet<>(document.operationIds());
    missing.removeAll(called);
    assertTrue(missing.isEmpty(), "operations never called: " + missing);
  }

  // --- calls ---

  /** A call the document accepts, answered with {@code status}, as the document says. */
  private Exchange ok(String method, String uri, String type, String body, int status)
      throws Exception {
    Exchange e = send(method, uri, type, body);
    assertEquals(status, e.status(), e.toString());
    assertNoProblems(e);
    return e;
  }

  /** A call the document accepts and the server refuses for what the document cannot state. */
  private Exchange error(
      String method, String uri, String type, String body, int status, String code)
      throws Exception {
    Exchange e = ok(method, uri, type, body, status);
    assertEquals(code, new JsonObject(e.bodyText()).getString("error"), e.toString());
    return e;
  }

  /** A call both the document and the server refuse; the answer is still as documented. */
  private Exchange refused(
      String method, String uri, String type, String body, int status, String code)
      throws Exception {
    Exchange e = send(method, uri, type, body);
    assertEquals(status, e.status(), e.toString());
    assertFalse(e.requestProblems().isEmpty(), "the document accepts a bad request: " + e);
    assertTrue(e.responseProblems().isEmpty(), e.toString());
    assertEquals(code, new JsonObject(e.bodyText()).getString("error"), e.toString());
    return e;
  }

  /**
   * The answer's body matches the document's schema {@code name}: the one of the choices of {@code
   * GET /kv} this call must get.
   */
  private Exchange shaped(String name, Exchange e) {
    List<String> problems = document.checkSchema(name, e.bodyText());
    assertTrue(problems.isEmpty(), problems + " in " + e);
    return e;
  }

  private static void assertNoProblems(Exchange e) {
    assertTrue(e.requestProblems().isEmpty() && e.responseProblems().isEmpty(), e.toString());
  }

  private Exchange send(String method, String uri, String type, String body) throws Exception {
    Exchange e = exchange(proxy, method, uri, type, body);
    if (e.operationId() != null) called.add(e.operationId());
    return e;
  }

  private Exchange exchange(
      ValidatingProxy through, String method, String uri, String type, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + through.port() + uri))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? BodyPublishers.noBody()
                    : BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (type != null) b.header("Content-Type", type);
    http.send(b.build(), BodyHandlers.discarding());
    return through.next();
  }

  static String pathEncode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String queryEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
