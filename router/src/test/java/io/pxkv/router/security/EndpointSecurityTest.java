package io.pxkv.router.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.auth.Access;
import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.metrics.Route;
import io.pxkv.common.tls.TlsClient;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeSecurity;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.config.RouterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
 * Every route of the router and of a node, in one table, against a real router with data and admin
 * tokens in front of two real nodes holding a cluster secret. Each route is called with no token, a
 * wrong one, the data token and the admin token (on a node: the cluster secret), and must be
 * refused or let through as {@link Access} says; the refused calls must change nothing (the whole
 * store, exported, and each node's view are the same after them). A {@link Route} without a row
 * fails the test, so a new route cannot be added without saying who may call it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointSecurityTest {
  private static final String DATA = "data-token-0123456789abcdef";
  private static final String ADMIN = "admin-token-0123456789abcdef";
  private static final String SECRET = "cluster-secret-0123456789abcdef";
  private static final String WRONG = "not-a-token-0123456789abcdef";

  private enum Server {
    ROUTER,
    NODE
  }

  /** One call: where it goes, what it sends, which route it is, and what it needs. */
  private record Row(Server server, Route route, String method, String path, String body) {
    Access needs() {
      return Access.of(route);
    }

    @Override
    public String toString() {
      return server + " " + method + " " + path;
    }
  }

  private static final String KEY_LINE =
      "{\"key\":\"intruder\",\"value\":1,\"version\":99999999999,\"deleted\":false}\n";

  private static final List<Row> ROWS =
      List.of(
          // The router: every path its verticle dispatches, and one it does not know.
          new Row(Server.ROUTER, Route.KV_KEY, "GET", "/kv/seed-1", null),
          new Row(Server.ROUTER, Route.KV_KEY, "PUT", "/kv/intruder", "1"),
          new Row(Server.ROUTER, Route.KV_KEY, "DELETE", "/kv/seed-1", null),
          new Row(Server.ROUTER, Route.KV_KEY, "PUT", "/kv", "{\"key\":\"intruder\",\"value\":1}"),
          new Row(Server.ROUTER, Route.KV_KEY, "DELETE", "/kv", "{\"key\":\"seed-2\"}"),
          new Row(Server.ROUTER, Route.KV_KEY, "GET", "/kv?key=seed-1", null),
          new Row(Server.ROUTER, Route.KV_PAGE, "GET", "/kv?prefix=seed&limit=5", null),
          new Row(Server.ROUTER, Route.KV_ALL, "GET", "/kv", null),
          new Row(Server.ROUTER, Route.QUERY, "GET", "/query?index=price&min=0&max=1", null),
          new Row(Server.ROUTER, Route.QUERY, "POST", "/query/knn", "{\"index\":\"e\",\"k\":1}"),
          new Row(Server.ROUTER, Route.HEALTH, "GET", "/health", null),
          new Row(Server.ROUTER, Route.METRICS, "GET", "/metrics", null),
          new Row(Server.ROUTER, Route.ADMIN_CLUSTER, "GET", "/admin/cluster", null),
          new Row(Server.ROUTER, Route.ADMIN_REBALANCE, "GET", "/admin/rebalance", null),
          new Row(Server.ROUTER, Route.ADMIN_EXPORT, "GET", "/admin/export", null),
          new Row(Server.ROUTER, Route.ADMIN_IMPORT, "POST", "/admin/import", KEY_LINE),
          new Row(Server.ROUTER, Route.OPENAPI, "GET", "/openapi.yaml", null),
          new Row(Server.ROUTER, Route.UI, "GET", "/ui", null),
          new Row(Server.ROUTER, Route.UI, "GET", "/ui/app.js", null),
          new Row(Server.ROUTER, Route.OTHER, "GET", "/no/such/path", null),
          // A node: every path its verticle dispatches.
          new Row(Server.NODE, Route.KV_KEY, "GET", "/kv/seed-1", null),
          new Row(Server.NODE, Route.KV_KEY, "PUT", "/kv/intruder", "1"),
          new Row(Server.NODE, Route.KV_KEY, "DELETE", "/kv/seed-1", null),
          new Row(Server.NODE, Route.KV_PAGE, "GET", "/kv?prefix=seed&limit=5", null),
          new Row(Server.NODE, Route.KV_ALL, "GET", "/kv", null),
          new Row(Server.NODE, Route.PUT_BATCH, "POST", "/internal/put-batch", "x"),
          new Row(Server.NODE, Route.HEALTH, "GET", "/health", null),
          new Row(Server.NODE, Route.METRICS, "GET", "/metrics", null),
          new Row(Server.NODE, Route.ADMIN_STATS, "GET", "/admin/stats", null),
          new Row(Server.NODE, Route.ADMIN_COMPACT, "POST", "/admin/compact", null),
          new Row(Server.NODE, Route.ADMIN_EXPORT, "GET", "/admin/export", null),
          new Row(Server.NODE, Route.ADMIN_IMPORT, "POST", "/admin/import", KEY_LINE),
          new Row(Server.NODE, Route.INTERNAL_IMPORT, "POST", "/internal/import", KEY_LINE),
          new Row(Server.NODE, Route.INTERNAL_HANDOFF, "POST", "/internal/handoff", KEY_LINE),
          new Row(Server.NODE, Route.INTERNAL_TOMBSTONE, "POST", "/internal/tombstone", KEY_LINE),
          new Row(Server.NODE, Route.INTERNAL_READ, "GET", "/internal/read?key=seed-1", null),
          new Row(Server.NODE, Route.INTERNAL_SCAN, "GET", "/internal/scan", null),
          new Row(Server.NODE, Route.INTERNAL_VIEW, "GET", "/internal/view", null),
          new Row(Server.NODE, Route.INTERNAL_VIEW, "POST", "/internal/view/prepare", "{}"),
          new Row(Server.NODE, Route.INTERNAL_VIEW, "POST", "/internal/view/open", "{}"),
          new Row(Server.NODE, Route.INTERNAL_PUSH_STRAYS, "POST", "/internal/push-strays", null),
          new Row(Server.NODE, Route.OTHER, "GET", "/no/such/path", null));

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<NodeServer> nodes = new ArrayList<>();
  // One Vert.x per process, as in production: servers asking for a random port on one Vert.x
  // would share it.
  private final List<Vertx> vertxes = new ArrayList<>();
  private RunningRouter router;
  private String routerUrl;
  private String nodeUrl;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Secret secret = Secret.of(SECRET);
    NodeAccess access = new NodeAccess(TlsClient.DEFAULT, secret);
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String id = "node-" + i;
      NodeConfig config =
          NodeConfig.forTest(id, dir.resolve(id))
              .withSecurity(new NodeSecurity(secret, null, access));
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      NodeServer node = NodeServer.start(vertx, config).await(30, TimeUnit.SECONDS);
      nodes.add(node);
      infos.add(NodeInfo.of(id, "127.0.0.1", node.port()));
    }
    RouterSecurity security =
        new RouterSecurity(new Tokens(Secret.of(DATA), Secret.of(ADMIN)), null, access);
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    router =
        RunningRouter.start(
                vertx,
                RouterConfig.of(new ClusterConfig(64, infos), 0)
                    .withInstances(1)
                    .withSecurity(security))
            .await(30, TimeUnit.SECONDS);
    routerUrl = "http://127.0.0.1:" + router.port();
    nodeUrl = "http://127.0.0.1:" + nodes.get(0).port();
    for (int i = 1; i <= 20; i++) {
      HttpResponse<String> put = send(Server.ROUTER, "PUT", "/kv/seed-" + i, "" + i, DATA);
      assertEquals(201, put.statusCode(), put.body());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) router.close().await(30, TimeUnit.SECONDS);
    for (NodeServer n : nodes) n.close().await(30, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void everyRouteHasARowOnEachServerThatServesIt() {
    Set<Route> routes = EnumSet.noneOf(Route.class);
    for (Row r : ROWS) routes.add(r.route());
    assertEquals(EnumSet.allOf(Route.class), routes, "routes without a row in the table");
  }

  @Test
  @Order(2)
  void refusedCallsAreAnsweredAndChangeNothing() throws Exception {
    String exportBefore = export();
    List<String> viewsBefore = views();
    for (Row row : ROWS) {
      if (row.needs() == Access.OPEN) continue;
      HttpResponse<String> none = send(row, null);
      assertEquals(401, none.statusCode(), row + " without a token");
      assertError(none, "unauthorized", row);
      assertEquals(
          "Bearer realm=\"px-kvstore\"",
          none.headers().firstValue("WWW-Authenticate").orElse(null),
          row.toString());
      HttpResponse<String> wrong = send(row, WRONG);
      assertEquals(403, wrong.statusCode(), row + " with a wrong token");
      assertError(wrong, "forbidden", row);
      // A header with another scheme is no token at all.
      HttpResponse<String> basic =
          send(row.server(), row.method(), row.path(), row.body(), null, "Basic " + ADMIN);
      assertEquals(401, basic.statusCode(), row + " with Basic");
      if (row.server() == Server.NODE) {
        // The router's tokens are not the cluster secret.
        assertEquals(403, send(row, DATA).statusCode(), row + " with the data token");
        assertEquals(403, send(row, ADMIN).statusCode(), row + " with the admin token");
      } else if (row.needs() == Access.ADMIN) {
        HttpResponse<String> data = send(row, DATA);
        assertEquals(403, data.statusCode(), row + " with the data token");
        assertError(data, "forbidden", row);
        assertEquals(403, send(row, SECRET).statusCode(), row + " with the cluster secret");
      }
    }
    assertEquals(exportBefore, export(), "a refused call changed the store");
    assertEquals(viewsBefore, views(), "a refused call changed a node's view");
    assertEquals(404, send(Server.ROUTER, "GET", "/kv/intruder", null, DATA).statusCode());
  }

  @Test
  @Order(3)
  void allowedCallsGetThroughWithWhatTheyNeed() throws Exception {
    for (Row row : ROWS) {
      if (row.path().contains("/view/") || row.route() == Route.ADMIN_IMPORT) {
        continue; // let through, they would change the cluster: their refusal is what is tested
      }
      List<String> enough = new ArrayList<>();
      if (row.server() == Server.NODE) {
        enough.add(SECRET);
      } else {
        enough.add(ADMIN);
        if (row.needs() == Access.DATA || row.needs() == Access.OPEN) enough.add(DATA);
      }
      if (row.needs() == Access.OPEN) enough.add(null);
      for (String token : enough) {
        HttpResponse<String> r = send(row, token);
        assertNotEquals(401, r.statusCode(), row + " " + r.body());
        assertNotEquals(403, r.statusCode(), row + " " + r.body());
        assertTrue(r.statusCode() < 500, row + " " + r.statusCode() + " " + r.body());
        for (String t : List.of(DATA, ADMIN, SECRET)) {
          assertFalse(r.body().contains(t), row + " showed a token in its answer");
        }
      }
    }
    // The router reaches the nodes: it sends them the cluster secret.
    assertEquals(200, send(Server.ROUTER, "GET", "/kv/seed-3", null, DATA).statusCode());
    String cluster = send(Server.ROUTER, "GET", "/admin/cluster", null, ADMIN).body();
    assertEquals(2, cluster.split("\"state\":\"up\"", -1).length - 1, cluster);
  }

  private String export() throws Exception {
    HttpResponse<String> r = send(Server.ROUTER, "GET", "/admin/export", null, ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private List<String> views() throws Exception {
    List<String> views = new ArrayList<>();
    for (NodeServer n : nodes) {
      HttpResponse<String> r =
          send("http://127.0.0.1:" + n.port(), "GET", "/internal/view", null, "Bearer " + SECRET);
      assertEquals(200, r.statusCode(), r.body());
      views.add(r.body());
    }
    return views;
  }

  private static void assertError(HttpResponse<String> r, String code, Row row) {
    JsonObject body = new JsonObject(r.body());
    assertEquals(code, body.getString("error"), row.toString());
    assertTrue(body.getString("message").length() > 10, row.toString());
    assertEquals(
        "application/json", r.headers().firstValue("Content-Type").orElse(""), row.toString());
    for (String t : List.of(DATA, ADMIN, SECRET, WRONG)) {
      assertFalse(r.body().contains(t), row + " showed a token in its error");
    }
  }

  private HttpResponse<String> send(Row row, String token) throws Exception {
    return send(row.server(), row.method(), row.path(), row.body(), token);
  }

  private HttpResponse<String> send(
      Server server, String method, String path, String body, String token) throws Exception {
    return send(server, method, path, body, token, token == null ? null : "Bearer " + token);
  }

  private HttpResponse<String> send(
      Server server, String method, String path, String body, String token, String header)
      throws Exception {
    return send(server == Server.ROUTER ? routerUrl : nodeUrl, method, path, body, header);
  }

  private HttpResponse<String> send(
      String base, String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
