package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.Replication;
import io.pxkv.common.testing.Await;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A write of a replicated key (N=3, W=2) tried twice: the first try reaches node-1 only (node-2 and
 * node-3 are on a newer view and refuse it), so the router routes it again by that view, and node-1
 * then holds the first try. The answer must say whether the key existed before the client wrote,
 * not count the first try as a value the key had. {@link FakeNode}s answer the writes.
 */
@ExtendWith(VertxExtension.class)
class RoutedAgainWriteTest {
  private static final long WAIT_S = 20;

  private final List<FakeNode> nodes = new ArrayList<>();
  private final List<NodeInfo> infos = new ArrayList<>();
  private ListingRouter router;
  private String routerId;
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    nodes.addAll(FakeNode.startAll(vertx, 3));
    infos.addAll(FakeNode.infos(nodes));
    router = new ListingRouter(RouterConfig.of(config(), 0));
    routerId = vertx.deployVerticle(router).await(WAIT_S, TimeUnit.SECONDS);
    router.route(state(2)).await(WAIT_S, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.undeploy(routerId).await(WAIT_S, TimeUnit.SECONDS);
  }

  private ClusterConfig config() {
    return new ClusterConfig(null, 64, infos, List.of(), new Replication(3, 2, 2));
  }

  private ClusterState state(long epoch) {
    return new ClusterState("routed-again", epoch, config(), List.of(), 0);
  }

  /**
   * Sends {@code method} of {@code key} while node-2 and node-3 refuse view 2; once both refused
   * the first try, the router gets view 3, which node-2 takes (node-3 goes on refusing): the second
   * try is acknowledged by node-1, which holds the first try, and node-2.
   */
  private HttpResponse<Buffer> triedTwice(String method, String key) throws Exception {
    nodes.get(1).refuseEpochsBelow(3);
    nodes.get(2).refuseEpochsBelow(4);
    Future<HttpResponse<Buffer>> answer =
        method.equals("PUT")
            ? client
                .put(router.port(), "127.0.0.1", "/kv")
                .sendBuffer(Buffer.buffer("{\"key\":\"" + key + "\",\"value\":\"v1\"}"))
            : client.delete(router.port(), "127.0.0.1", "/kv?key=" + key).send();
    Await.until(
        "node-2 and node-3 refused the first try",
        Duration.ofSeconds(WAIT_S),
        () -> replicateCalls(nodes.get(1)) == 1 && replicateCalls(nodes.get(2)) == 1);
    router.route(state(3)).await(WAIT_S, TimeUnit.SECONDS);
    HttpResponse<Buffer> r = answer.await(WAIT_S, TimeUnit.SECONDS);
    assertEquals(2, replicateCalls(nodes.get(0)), "node-1 took both tries");
    return r;
  }

  private static long replicateCalls(FakeNode node) {
    return node.seen().stream().filter(s -> s.uri().startsWith("/internal/replicate")).count();
  }

  @Test
  void aNewKeyWrittenOnTheSecondTryIsCreated() throws Exception {
    HttpResponse<Buffer> r = triedTwice("PUT", "fresh");
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  @Test
  void aKeyThatExistedIsReplacedWhateverTheTries() throws Exception {
    for (FakeNode n : nodes) n.records().put("old", new FakeNode.Stored("\"v0\"", 5, 9));
    HttpResponse<Buffer> r = triedTwice("PUT", "old");
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  @Test
  void aDeleteOfAKeyThatExistedIsOkWhateverTheTries() throws Exception {
    for (FakeNode n : nodes) n.records().put("gone", new FakeNode.Stored("\"v0\"", 5, 9));
    HttpResponse<Buffer> r = triedTwice("DELETE", "gone");
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  @Test
  void aDeleteOfAnAbsentKeyTriedTwiceIsNotFound() throws Exception {
    HttpResponse<Buffer> r = triedTwice("DELETE", "never");
    assertEquals(404, r.statusCode(), r.bodyAsString());
  }
}
