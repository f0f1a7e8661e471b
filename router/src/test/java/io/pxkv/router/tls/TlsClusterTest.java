package io.pxkv.router.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.testing.Await;
import io.pxkv.common.tls.TlsClient;
import io.pxkv.common.tls.TlsServer;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeSecurity;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.config.RouterSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both hops: clients to the router over HTTPS, the router to its nodes over HTTPS with
 * mutual TLS (each node requires a client certificate of the test CA), nodes to each other the same
 * when they push keys in a move, and the cluster secret and tokens on top. Certificates are made in
 * the test ({@link TestCertificates}, the JDK's keytool).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsClusterTest {
  private static final String TOKEN = "tls-admin-token-0123456789";
  private static final String SECRET = "tls-cluster-secret-0123456789";
  private static final int KEYS = 200;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final Map<String, NodeServer> nodes = new LinkedHashMap<>();
  private TestCertificates certs;
  private Path clusterFile;
  private Path root;
  private RunningRouter router;
  private HttpClient https;
  private String base;

  @BeforeAll
  void start(@TempDir Path root) throws Exception {
    this.root = root;
    certs = TestCertificates.make(root.resolve("certs"), "node", "router", "client");
    Secret secret = Secret.of(SECRET);
    for (String id : List.of("node-1", "node-2", "node-3")) {
      TlsServer tls = new TlsServer(certs.cert("node"), certs.key("node"), certs.ca());
      NodeAccess peers =
          new NodeAccess(new TlsClient(certs.ca(), certs.cert("node"), certs.key("node")), secret);
      NodeConfig config =
          NodeConfig.forTest(id, root.resolve(id))
              .withLimits(ValueLimits.DEFAULTS)
              .withSecurity(new NodeSecurity(secret, tls, peers));
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      nodes.put(id, NodeServer.start(vertx, config).await(30, TimeUnit.SECONDS));
    }
    clusterFile = root.resolve("cluster.json");
    writeCluster("node-1", "node-2");
    router = startRouter(certs.cert("router"), certs.key("router"));
    base = "https://localhost:" + router.port();
    https = client(certs.client(null));
  }

  private RunningRouter startRouter(Path clientCert, Path clientKey) throws Exception {
    RouterConfig config =
        RouterConfig.builder()
            .cluster(ClusterConfig.load(clusterFile), clusterFile.toString())
            .timeoutMs(10_000)
            .poolSize(2)
            .instances(1)
            .build()
            .withSecurity(
                new RouterSecurity(
                    new Tokens(null, Secret.of(TOKEN)),
                    new TlsServer(certs.cert("router"), certs.key("router"), null),
                    new NodeAccess(
                        new TlsClient(certs.ca(), clientCert, clientKey), Secret.of(SECRET))));
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    return RunningRouter.start(vertx, config).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) router.close().await(30, TimeUnit.SECONDS);
    for (NodeServer n : nodes.values()) n.close().await(30, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void putGetListAndMoveOverTlsBothHops() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      HttpResponse<String> put = send(https, base, "PUT", "/kv/k" + i, "{\"n\":" + i + "}");
      assertEquals(201, put.statusCode(), put.body());
    }
    assertEquals("{\"n\":7}", value(send(https, base, "GET", "/kv/k7", null)));
    assertEquals(KEYS, listed());

    // A third node: the router moves its share to it, nodes pushing strays to it over mTLS.
    writeCluster("node-1", "node-2", "node-3");
    Await.until(
        "the move to node-3 done",
        Duration.ofSeconds(60),
        () -> {
          try {
            JsonObject status =
                new JsonObject(send(https, base, "GET", "/admin/rebalance", null).body());
            return status.getString("phase").equals("done")
                && status.getJsonObject("target").getJsonArray("nodes").size() == 3;
          } catch (Exception e) {
            throw new AssertionError("GET /admin/rebalance failed", e);
          }
        });
    for (int i = 0; i < KEYS; i++) {
      assertEquals(
          "{\"n\":" + i + "}", value(send(https, base, "GET", "/kv/k" + i, null)), "k" + i);
    }
    assertEquals(KEYS, listed());
    HttpClient asNode = client(certs.client("client"));
    String node3 = "https://localhost:" + nodes.get("node-3").port();
    long onNode3 =
        new JsonObject(send(asNode, node3, "GET", "/admin/stats", null, SECRET).body())
            .getLong("keys");
    assertTrue(onNode3 > 0 && onNode3 < KEYS, "node-3 holds " + onNode3);
  }

  @Test
  @Order(2)
  void aNodeWithMutualTlsRefusesCallersWithoutACertificate() throws Exception {
    String node1 = "https://localhost:" + nodes.get("node-1").port();
    // Trusting the node, but presenting nothing: the handshake fails.
    assertThrows(IOException.class, () -> send(https, node1, "GET", "/admin/stats", null, SECRET));
    // A router without a client certificate cannot reach any node.
    RunningRouter without = startRouter(null, null);
    try {
      HttpResponse<String> r =
          send(https, "https://localhost:" + without.port(), "GET", "/kv/k1", null);
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("node_unavailable", new JsonObject(r.body()).getString("error"), r.body());
    } finally {
      without.close().await(30, TimeUnit.SECONDS);
    }
    // With the certificate, the same call is served.
    HttpClient asNode = client(certs.client("client"));
    assertEquals(200, send(asNode, node1, "GET", "/admin/stats", null, SECRET).statusCode());
  }

  @Test
  @Order(3)
  void aPlainHttpClientOfATlsRouterFailsCleanly() throws Exception {
    HttpClient plain =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    long started = System.nanoTime();
    assertThrows(
        IOException.class,
        () -> send(plain, "http://localhost:" + router.port(), "GET", "/health", null));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "it hung");
    // A client that does not trust the router's CA fails its handshake too.
    HttpClient untrusting = client(SSLContext.getDefault());
    assertThrows(IOException.class, () -> send(untrusting, base, "GET", "/health", null));
    // And the router serves on.
    assertEquals(200, send(https, base, "GET", "/health", null).statusCode());
  }

  private int listed() throws Exception {
    HttpResponse<String> page = send(https, base, "GET", "/kv?prefix=k&limit=1000", null);
    assertEquals(200, page.statusCode(), page.body());
    return new JsonObject(page.body()).getJsonArray("items").size();
  }

  private static String value(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getValue("value").toString();
  }

  private void writeCluster(String... ids) throws Exception {
    JsonArray list = new JsonArray();
    for (String id : ids) {
      list.add(
          new JsonObject().put("id", id).put("url", "https://localhost:" + nodes.get(id).port()));
    }
    Path tmp = root.resolve("cluster.json.tmp");
    Files.writeString(
        tmp,
        new JsonObject().put("virtualNodes", 64).put("replicas", 1).put("nodes", list).encode());
    Files.move(
        tmp, clusterFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(context)
        .build();
  }

  private HttpResponse<String> send(
      HttpClient client, String url, String method, String path, String body) throws Exception {
    return send(client, url, method, path, body, TOKEN);
  }

  private static HttpResponse<String> send(
      HttpClient client, String url, String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
