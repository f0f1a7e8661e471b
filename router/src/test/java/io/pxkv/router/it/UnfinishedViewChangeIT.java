package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.testing.Await;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router killed in the middle of a view change leaves it unfinished: one node opened the new
 * view, the other did not, and the dead router's coordinator lease still runs on both. A router
 * started then routes by the new view, meets the node that is behind, and cannot bring it up until
 * the lease ends. Its clients must wait for that, not fail: every GET answers 200.
 */
class UnfinishedViewChangeIT {
  private static final int KEYS = 200;
  private static final String DEAD_ROUTER = "router-killed";
  private static final long DEAD_LEASE_MS = 4000;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final Map<String, NodeServer> nodes = new LinkedHashMap<>();
  private final List<RunningRouter> routers = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stopEverything() throws Exception {
    for (RunningRouter r : routers) r.close().await(60, TimeUnit.SECONDS);
    for (NodeServer n : nodes.values()) n.close().await(60, TimeUnit.SECONDS);
    for (Vertx v : vertxes) v.close().await(60, TimeUnit.SECONDS);
  }

  @Test
  void aRouterStartedAfterAViewChangeWasLeftHalfDoneServesEveryReadOnceTheLeaseEnds(
      @TempDir Path root) throws Exception {
    for (String id : List.of("node-1", "node-2")) {
      Vertx vertx = Vertx.vertx();
      vertxes.add(vertx);
      nodes.put(
          id,
          NodeServer.start(vertx, NodeConfig.forTest(id, root.resolve(id)))
              .await(60, TimeUnit.SECONDS));
    }
    Path clusterFile = root.resolve("cluster.json");
    JsonArray list = new JsonArray();
    nodes.forEach((id, n) -> list.add(new JsonObject().put("id", id).put("url", url(n.port()))));
    Files.writeString(clusterFile, new JsonObject().put("replicas", 1).put("nodes", list).encode());

    RunningRouter first = startRouter(clusterFile);
    for (int i = 0; i < KEYS; i++) {
      assertEquals(201, send(first, "PUT", "/kv/k" + i, "{\"i\":" + i + "}").statusCode());
    }
    routers.remove(first);
    first.close().await(60, TimeUnit.SECONDS); // its lease runs out on its own

    // What a router killed mid-change leaves: its lease on both nodes, and the next view prepared
    // and opened on node-1 only.
    Await.until(
        "the killed router's lease on every node",
        Duration.ofSeconds(30),
        () -> {
          boolean all = true;
          for (NodeServer n : nodes.values()) {
            JsonObject took =
                new JsonObject(
                    node(
                            n,
                            "/internal/lease",
                            new JsonObject().put("router", DEAD_ROUTER).put("ms", DEAD_LEASE_MS))
                        .body());
            all &= took.getBoolean("granted");
          }
          return all;
        });
    NodeServer one = nodes.get("node-1");
    JsonObject open =
        new JsonObject(get(one.port(), "/internal/view").body()).getJsonObject("open");
    long next = open.getLong("epoch") + 1;
    JsonObject state = open.copy().put("epoch", next);
    HttpResponse<String> prepared =
        node(
            one,
            "/internal/view/prepare",
            new JsonObject()
                .put("node", "node-1")
                .put("state", state)
                .put("coordinator", DEAD_ROUTER));
    assertEquals(200, prepared.statusCode(), prepared.body());
    long floor = new JsonObject(prepared.body()).getLong("clock");
    HttpResponse<String> opened =
        node(
            one,
            "/internal/view/open",
            new JsonObject()
                .put("node", "node-1")
                .put("coordinator", DEAD_ROUTER)
                .put("epoch", next)
                .put("floor", floor));
    assertEquals(200, opened.statusCode(), opened.body());

    RunningRouter second = startRouter(clusterFile);
    long started = System.nanoTime();
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      HttpResponse<String> r = send(second, "GET", "/kv/k" + i, null);
      if (r.statusCode() != 200) failed.add("k" + i + ": " + r.statusCode() + " " + r.body());
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(failed.isEmpty(), () -> failed.size() + " reads failed, first: " + failed.get(0));
    System.out.println("UnfinishedViewChangeIT: every read answered in " + tookMs + " ms");
    JsonObject two = new JsonObject(get(nodes.get("node-2").port(), "/internal/view").body());
    assertEquals(next, two.getJsonObject("open").getLong("epoch"), "node-2 brought up: " + two);
  }

  private RunningRouter startRouter(Path clusterFile) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    RunningRouter router =
        RunningRouter.start(
                vertx,
                RouterConfig.builder()
                    .cluster(ClusterConfig.load(clusterFile), clusterFile.toString())
                    .timeoutMs(20_000)
                    .build())
            .await(60, TimeUnit.SECONDS);
    routers.add(router);
    return router;
  }

  private static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> send(RunningRouter router, String method, String uri, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(router.port()) + uri))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(port) + uri)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> node(NodeServer n, String uri, JsonObject body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url(n.port()) + uri))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(uri + ": " + e, e);
    }
  }
}
