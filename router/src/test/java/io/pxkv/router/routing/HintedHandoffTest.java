package io.pxkv.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaPlacement;
import io.pxkv.common.cluster.Replication;
import io.pxkv.common.testing.Await;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hinted handoff in a cluster with a node outside each replica set (4 real nodes in this JVM, N=3,
 * W=2, a cluster secret): a write for a replica that is down goes as a hint to the first node of
 * the key's preference list after its replicas, which keeps it apart from its own keys, and hands
 * it over, carrying the secret, once the replica is back on its port.
 */
class HintedHandoffTest {
  private static final String SECRET = "cluster-secret-0123456789abcdef";
  private static final int KEYS = 300;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<NodeServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : vertxes) v.close().await(30, TimeUnit.SECONDS);
  }

  private NodeServer startNode(String id, int port, Path dir) throws Exception {
    Secret secret = Secret.of(SECRET);
    NodeConfig base = NodeConfig.forTest(id, dir);
    NodeConfig config =
        new NodeConfig(id, "127.0.0.1", port, base.storage(), base.limits(), 1)
            .withSecurity(
                new NodeSecurity(secret, null, new NodeAccess(TlsClient.DEFAULT, secret)));
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    return NodeServer.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(int port, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + SECRET)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long hintsFor(NodeServer node, String target) throws Exception {
    JsonObject stats = new JsonObject(call(node.port(), "GET", "/admin/stats", null).body());
    JsonObject of =
        stats.getJsonObject("hints").getJsonObject("pendingByNode").getJsonObject(target);
    return of == null ? 0 : of.getLong("hints");
  }

  @Test
  void theFirstNodeAfterTheReplicasKeepsTheHintAndHandsItOver(@TempDir Path dir) throws Exception {
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      NodeServer node = startNode("node-" + i, 0, dir.resolve("node-" + i));
      nodes.add(node);
      infos.add(NodeInfo.of("node-" + i, "127.0.0.1", node.port()));
    }
    ClusterConfig cluster = new ClusterConfig(null, 64, infos, List.of(), new Replication(3, 2, 2));
    Vertx routerVertx = Vertx.vertx();
    vertxes.add(routerVertx);
    Secret secret = Secret.of(SECRET);
    RunningRouter router =
        RunningRouter.start(
                routerVertx,
                RouterConfig.of(cluster, 0)
                    .withInstances(1)
                    .withSecurity(
                        new RouterSecurity(
                            Tokens.NONE, null, new NodeAccess(TlsClient.DEFAULT, secret))))
            .await(30, TimeUnit.SECONDS);
    Await.until(
        "the router serving",
        Duration.ofSeconds(30),
        () -> {
          try {
            return call(router.port(), "GET", "/health", null).statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });

    int downPort = nodes.get(3).port();
    nodes.get(3).close().await(30, TimeUnit.SECONDS);
    ReplicaPlacement placement = new ReplicaPlacement(cluster);
    Map<String, Long> expected = new HashMap<>();
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "k-" + i;
      HttpResponse<String> put = call(router.port(), "PUT", "/kv/" + key, "{\"i\":" + i + "}");
      assertEquals(201, put.statusCode(), put.body());
      if (placement.replicasOf(key).contains("node-3")) {
        missed.add(key);
        expected.merge(placement.othersOf(key).get(0), 1L, Long::sum);
      }
    }
    assertTrue(missed.size() > KEYS / 2, missed.size() + " keys on node-3");
    for (int i = 0; i < 3; i++) {
      String id = "node-" + i;
      assertEquals(expected.getOrDefault(id, 0L), hintsFor(nodes.get(i), "node-3"), id);
    }
    // A stand-in that is not a replica keeps the hint, not the key.
    String key = missed.get(0);
    NodeServer standIn = nodes.get(Integer.parseInt(placement.othersOf(key).get(0).substring(5)));
    assertEquals(404, call(standIn.port(), "GET", "/kv/" + key, null).statusCode());

    NodeServer back = startNode("node-3", downPort, dir.resolve("node-3"));
    nodes.set(3, back);
    Await.until(
        "the hints handed over",
        Duration.ofSeconds(20),
        () -> {
          try {
            for (int i = 0; i < 3; i++) {
              if (hintsFor(nodes.get(i), "node-3") != 0) return false;
            }
            return true;
          } catch (Exception e) {
            return false;
          }
        });
    for (String k : missed) {
      HttpResponse<String> r = call(back.port(), "GET", "/kv/" + k, null);
      assertEquals(200, r.statusCode(), k + " " + r.body());
    }
  }
}
