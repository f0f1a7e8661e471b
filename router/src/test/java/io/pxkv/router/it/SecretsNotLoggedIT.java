package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.testing.ChildProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router and two nodes as real processes, with tokens and a cluster secret given every way a
 * process takes them (files, environment), driven through good, refused and bad calls, then
 * stopped: nothing any of them printed holds a token or the secret. So do a start refused for a bad
 * token and {@code --help}.
 */
class SecretsNotLoggedIT {
  private static final String DATA = "data-token-abcdefghijklmnop";
  private static final String ADMIN = "admin-token-abcdefghijklmnop";
  private static final String SECRET = "cluster-secret-abcdefghijklmnop";
  private static final String WRONG = "wrong-token-abcdefghijklmnop";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<ChildProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ChildProcess p : processes) p.kill();
  }

  @Test
  void noProcessPrintsATokenOrTheSecret(@TempDir Path dir) throws Exception {
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String id = "node-" + i;
      ChildProcess node =
          ChildProcess.java(
                  id,
                  256,
                  "io.pxkv.node.NodeMain",
                  List.of(
                      "--id",
                      id,
                      "--host",
                      "127.0.0.1",
                      "--port",
                      "0",
                      "--data",
                      dir.resolve(id).toString(),
                      "--fsync",
                      "never",
                      "--instances",
                      "1"),
                  Map.of("PXKV_CLUSTER_SECRET", SECRET))
              .startServer(Duration.ofSeconds(30));
      processes.add(node);
      infos.add(NodeInfo.of(id, "127.0.0.1", node.port()));
    }
    Path cluster = dir.resolve("cluster.json");
    Files.writeString(cluster, new ClusterConfig(64, infos).toJson().encode());
    Path dataFile = Files.writeString(dir.resolve("data.token"), DATA + "\n");
    Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    ChildProcess router =
        ChildProcess.java(
            "router",
            256,
            "io.pxkv.router.RouterMain",
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--cluster",
                cluster.toString(),
                "--instances",
                "1",
                "--data-token-file",
                dataFile.toString(),
                "--cluster-secret-file",
                secretFile.toString()),
            Map.of("PXKV_ADMIN_TOKEN", ADMIN));
    processes.add(router.startServer(Duration.ofSeconds(30)));
    String base = "http://127.0.0.1:" + router.port();

    assertEquals(201, send(base, "PUT", "/kv/a", "1", DATA).statusCode());
    assertEquals(200, send(base, "GET", "/kv/a", null, DATA).statusCode());
    assertEquals(401, send(base, "GET", "/kv/a", null, null).statusCode());
    assertEquals(403, send(base, "GET", "/kv/a", null, WRONG).statusCode());
    assertEquals(403, send(base, "GET", "/admin/cluster", null, DATA).statusCode());
    assertEquals(400, send(base, "PUT", "/kv/b", "{not json", DATA).statusCode());
    HttpResponse<String> cluster200 = send(base, "GET", "/admin/cluster", null, ADMIN);
    assertEquals(200, cluster200.statusCode());
    assertEquals(200, send(base, "GET", "/metrics", null, ADMIN).statusCode());
    String node1 = "http://127.0.0.1:" + infos.get(0).port();
    assertEquals(403, send(node1, "GET", "/kv/a", null, WRONG).statusCode());
    assertEquals(403, send(node1, "GET", "/admin/stats", null, ADMIN).statusCode());
    assertEquals(200, send(node1, "GET", "/admin/stats", null, SECRET).statusCode());
    // A node that is gone: the router's errors about it must not carry the secret either.
    processes.get(1).kill();
    send(base, "GET", "/admin/cluster", null, ADMIN);
    for (int i = 0; i < 10; i++) send(base, "GET", "/kv/k" + i, null, DATA);

    ChildProcess refused =
        ChildProcess.java(
            "refused",
            256,
            "io.pxkv.router.RouterMain",
            List.of("--port", "0", "--cluster", cluster.toString()),
            Map.of("PXKV_ADMIN_TOKEN", "tiny-tok", "PXKV_CLUSTER_SECRET", SECRET));
    processes.add(refused.start(Pattern.compile("shorter than"), Duration.ofSeconds(30)));
    ChildProcess help =
        ChildProcess.java(
            "help",
            256,
            "io.pxkv.router.RouterMain",
            List.of("--help"),
            Map.of("PXKV_ADMIN_TOKEN", ADMIN, "PXKV_DATA_TOKEN", DATA));
    processes.add(help.start(Pattern.compile("--admin-token-file"), Duration.ofSeconds(30)));

    for (ChildProcess p : processes) p.kill();
    StringBuilder all = new StringBuilder();
    for (ChildProcess p : processes) all.append(p.output()).append('\n');
    assertTrue(all.toString().contains("router listening on port"), all.toString());
    for (String secret : List.of(DATA, ADMIN, SECRET, WRONG, "tiny-tok")) {
      assertFalse(all.toString().contains(secret), "printed " + secret + ":\n" + all);
    }
    for (String secret : List.of(DATA, ADMIN, SECRET)) {
      assertFalse(cluster200.body().contains(secret), "/admin/cluster showed it");
    }
  }

  private HttpResponse<String> send(
      String base, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
