package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.router.rebalance.RebalanceState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router that starts with a move to finish (its state file says keys may be off their owners)
 * serves at once, with reads falling back to every node that may hold keys, even while one of those
 * nodes is down and the move itself has to wait for it.
 */
@ExtendWith(VertxExtension.class)
class RouterResumeTest {
  private static final long WAIT_S = 20;

  @Test
  void aRouterWithAMoveToFinishServesAtOnceWhileAHolderIsDown(Vertx vertx, @TempDir Path stateDir)
      throws Exception {
    FakeNode live = new FakeNode(vertx, "node-live").start(0).await(WAIT_S, TimeUnit.SECONDS);
    live.data().put("here", "1");
    NodeInfo gone = NodeInfo.of("node-gone", "127.0.0.1", refusedPort());
    ClusterConfig before = new ClusterConfig(128, List.of(gone));
    ClusterConfig after =
        new ClusterConfig(128, List.of(NodeInfo.of(live.id(), "127.0.0.1", live.port())));
    // The cluster file went from [node-gone] to [node-live] while the router was stopped.
    RebalanceState.settledOn(before).save(stateDir.resolve(RebalanceState.FILE_NAME));

    RunningRouter router =
        RunningRouter.start(vertx, RouterConfig.of(after, 0).withStateDir(stateDir.toString()))
            .await(WAIT_S, TimeUnit.SECONDS);
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    try {
      assertEquals(200, get(client, router, "/kv?key=here").statusCode());
      // Not on the new owner, and node-gone may still hold it: no guess, a 503 naming the node.
      HttpResponse<Buffer> elsewhere = get(client, router, "/kv?key=elsewhere");
      assertEquals(503, elsewhere.statusCode(), elsewhere.bodyAsString());
      assertEquals("node_unavailable", elsewhere.bodyAsJsonObject().getString("error"));
    } finally {
      client.close();
      router.close().await(WAIT_S, TimeUnit.SECONDS);
      live.stop().await(WAIT_S, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> get(WebClient client, RunningRouter router, String uri)
      throws Exception {
    return client
        .request(HttpMethod.GET, router.port(), "127.0.0.1", uri)
        .send()
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  /** A port nothing listens on: connecting to it is refused at once. */
  private static int refusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
