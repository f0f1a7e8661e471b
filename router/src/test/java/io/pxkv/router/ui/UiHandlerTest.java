package io.pxkv.router.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ui} over HTTP through a real router: the files, their headers, and nothing else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiHandlerTest {
  private final Vertx nodeVertx = Vertx.vertx();
  private final Vertx vertx = Vertx.vertx();
  private NodeServer node;
  private RunningRouter router;
  private WebClient client;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node =
        NodeServer.start(nodeVertx, NodeConfig.forTest("node-1", dir)).await(30, TimeUnit.SECONDS);
    ClusterConfig cluster =
        new ClusterConfig(128, List.of(NodeInfo.of("node-1", "127.0.0.1", node.port())));
    router =
        RunningRouter.start(vertx, RouterConfig.of(cluster, 0).withInstances(1))
            .await(30, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() throws Exception {
    router.close().await(30, TimeUnit.SECONDS);
    node.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
    nodeVertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void thePageIsServedAtUiWithItsPolicy() throws Exception {
    for (String path : List.of("/ui", "/ui/", "/ui/index.html")) {
      HttpResponse<Buffer> page = send(HttpMethod.GET, path, null);
      assertEquals(200, page.statusCode(), path);
      assertEquals("text/html; charset=utf-8", page.getHeader("Content-Type"), path);
      assertTrue(page.bodyAsString().contains("<svg id=\"ring\""), path);
      assertEquals("no-cache", page.getHeader("Cache-Control"), path);
      assertTrue(page.getHeader("Content-Security-Policy").startsWith("default-src 'self'"));
      assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    }
  }

  @Test
  void everyFileHasItsTypeAndATagThatSavesARepeatDownload() throws Exception {
    for (String name : UiAssets.NAMES) {
      HttpResponse<Buffer> file = send(HttpMethod.GET, "/ui/" + name, null);
      assertEquals(200, file.statusCode(), name);
      assertEquals(UiAssets.contentType(name), file.getHeader("Content-Type"), name);
      assertEquals(
          Files.readString(Path.of("src/main/resources/ui", name)), file.bodyAsString(), name);
      String etag = file.getHeader("ETag");
      assertNotNull(etag, name);
      HttpResponse<Buffer> again = send(HttpMethod.GET, "/ui/" + name, etag);
      assertEquals(304, again.statusCode(), name);
      assertEquals(0, again.body() == null ? 0 : again.body().length(), name);
      assertEquals(etag, again.getHeader("ETag"));
    }
    assertEquals("text/javascript; charset=utf-8", UiAssets.contentType("app.js"));
    assertEquals("text/css; charset=utf-8", UiAssets.contentType("style.css"));
  }

  @Test
  void headAnswersTheLengthWithoutTheBody() throws Exception {
    HttpResponse<Buffer> head = send(HttpMethod.HEAD, "/ui/app.js", null);
    assertEquals(200, head.statusCode());
    assertEquals(
        String.valueOf(Files.size(Path.of("src/main/resources/ui/app.js"))),
        head.getHeader("Content-Length"));
  }

  @Test
  void noPathReachesAnythingButTheDashboardsFiles() throws Exception {
    for (String path :
        List.of(
            "/ui/nope.js",
            "/ui/../pom.xml",
            "/ui/%2e%2e/pom.xml",
            "/ui/..%2Fpom.xml",
            "/ui//etc/passwd",
            "/ui/index.html/",
            "/ui/ui/app.js",
            "/ui/APP.JS",
            "/ui/io/pxkv/router/RouterVerticle.class",
            "/uix")) {
      HttpResponse<Buffer> r = send(HttpMethod.GET, path, null);
      assertEquals(404, r.statusCode(), path);
      assertEquals("application/json", r.getHeader("Content-Type"), path);
      assertEquals("not_found", r.bodyAsJsonObject().getString("error"), path);
    }
  }

  @Test
  void onlyGetAndHeadAreAllowed() throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.POST, "/ui", null);
    assertEquals(405, r.statusCode());
    assertEquals("GET, HEAD", r.getHeader("Allow"));
    JsonObject error = r.bodyAsJsonObject();
    assertEquals("method_not_allowed", error.getString("error"));
  }

  @Test
  void theListOfFilesIsTheFolderOfFiles() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/ui"))) {
      assertEquals(
          UiAssets.NAMES.stream().sorted().toList(),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String ifNoneMatch)
      throws Exception {
    var request = client.request(method, router.port(), "127.0.0.1", path);
    if (ifNoneMatch != null) request.putHeader("If-None-Match", ifNoneMatch);
    return request.send().await(30, TimeUnit.SECONDS);
  }
}
