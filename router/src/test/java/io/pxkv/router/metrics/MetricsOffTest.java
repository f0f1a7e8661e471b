package io.pxkv.router.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics off}: nothing is measured, and {@code /metrics} says so with a 404. */
class MetricsOffTest {
  @Test
  void aServerWithMetricsOffAnswersMetricsWith404(@TempDir Path dir) throws Exception {
    Vertx nodeVertx = Vertx.vertx();
    Vertx vertx = Vertx.vertx();
    try {
      NodeServer node =
          NodeServer.start(nodeVertx, NodeConfig.forTest("node-1", dir).withMetrics(false))
              .await(30, TimeUnit.SECONDS);
      ClusterConfig cluster =
          new ClusterConfig(128, List.of(NodeInfo.of("node-1", "127.0.0.1", node.port())));
      RunningRouter router =
          RunningRouter.start(vertx, RouterConfig.of(cluster, 0).withMetrics(false))
              .await(30, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx);
      for (int port : List.of(router.port(), node.port())) {
        HttpResponse<Buffer> put =
            client
                .request(HttpMethod.PUT, port, "127.0.0.1", "/kv/a")
                .sendBuffer(Buffer.buffer("1"))
                .await(30, TimeUnit.SECONDS);
        assertTrue(put.statusCode() == 200 || put.statusCode() == 201, "" + put.statusCode());
        HttpResponse<Buffer> r =
            client
                .request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
                .send()
                .await(30, TimeUnit.SECONDS);
        assertEquals(404, r.statusCode());
        JsonObject error = r.bodyAsJsonObject();
        assertEquals("not_found", error.getString("error"));
        assertTrue(error.getString("message").contains("--metrics off"), error.encode());
      }
      router.close().await(30, TimeUnit.SECONDS);
      node.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      nodeVertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
