package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaMoves;
import io.pxkv.common.cluster.Replication;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reads while a cluster with three copies of every key moves from nodes 1-3 to nodes 1, 2 and 4
 * (node-3 leaves, node-4 joins): a key whose replica set changed may have its last acknowledged
 * write only on members of its old set, node-3 among them, until the move has pushed it. {@link
 * FakeNode}s hold what each test puts there; the router routes by the moving view.
 */
@ExtendWith(VertxExtension.class)
class MovingReplicaReadTest {
  private static final long WAIT_S = 20;

  private final List<FakeNode> nodes = new ArrayList<>();
  private ClusterState moving;
  private ListingRouter router;
  private String routerId;
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    nodes.addAll(FakeNode.startAll(vertx, 4));
    List<NodeInfo> infos = FakeNode.infos(nodes);
    Replication three = new Replication(3, 2, 2);
    ClusterConfig before = new ClusterConfig(null, 64, infos.subList(0, 3), List.of(), three);
    ClusterConfig after =
        new ClusterConfig(
            null, 64, List.of(infos.get(0), infos.get(1), infos.get(3)), List.of(), three);
    moving = new ClusterState("replica-moves", 2, before, List.of(after), 0);
    router = new ListingRouter(RouterConfig.of(after, 0));
    routerId = vertx.deployVerticle(router).await(WAIT_S, TimeUnit.SECONDS);
    router.route(moving).await(WAIT_S, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.undeploy(routerId).await(WAIT_S, TimeUnit.SECONDS);
  }

  private FakeNode node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
  }

  /** A key node-3 leaves the replica set of (so node-4 joins it): with 3 of 4 nodes, most do. */
  private String leavingKey(String prefix) {
    ReplicaMoves moves = ReplicaMoves.of(moving);
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (moves.setsOf(key).get(0).contains("node-3") && moves.changed(key)) return key;
    }
  }

  private HttpResponse<Buffer> call(HttpMethod method, String key) throws Exception {
    return client
        .request(method, router.port(), "127.0.0.1", "/kv?key=" + key)
        .send()
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void aWriteOnlyTheLeavingNodeAndOneOtherHoldIsRead() throws Exception {
    String key = leavingKey("acked-");
    // Acknowledged by node-3 and node-1 before the move; node-2 missed it and holds the older
    // write; node-4 has nothing yet. R=2 of the target set (1, 2, 4) alone could answer v3.
    node("node-1").records().put(key, new FakeNode.Stored("\"v5\"", 5, 9));
    node("node-2").records().put(key, new FakeNode.Stored("\"v3\"", 3, 9));
    node("node-3").records().put(key, new FakeNode.Stored("\"v5\"", 5, 9));
    node("node-1").failReads(true);
    HttpResponse<Buffer> r = call(HttpMethod.GET, key);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("v5", new JsonObject(r.bodyAsString()).getString("value"));
  }

  @Test
  void aTombstoneOnTheTargetSetHidesTheLeavingNodesValue() throws Exception {
    String key = leavingKey("deleted-");
    node("node-3").records().put(key, new FakeNode.Stored("\"v3\"", 3, 9));
    node("node-4").records().put(key, FakeNode.Stored.tombstone(7, 9));
    node("node-1").records().put(key, FakeNode.Stored.tombstone(7, 9));
    HttpResponse<Buffer> r = call(HttpMethod.GET, key);
    assertEquals(404, r.statusCode(), r.bodyAsString());
  }

  private HttpResponse<Buffer> put(String key, String json) throws Exception {
    return client
        .put(router.port(), "127.0.0.1", "/kv")
        .sendBuffer(Buffer.buffer("{\"key\":\"" + key + "\",\"value\":" + json + "}"))
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void aPutOfAKeyWhoseValueIsOnlyOnTheLeavingNodeAnswers200() throws Exception {
    // Written with w=1 before the move, acknowledged by node-3 alone: no member of the target set
    // (1, 2, 4) holds it, so the replicas written cannot tell that the key exists.
    String existing = leavingKey("existing-");
    node("node-3").records().put(existing, new FakeNode.Stored("\"v1\"", 5, 9));
    HttpResponse<Buffer> r = put(existing, "\"v2\"");
    assertEquals(200, r.statusCode(), "replaced, not created: " + r.bodyAsString());
    long stored =
        List.of("node-1", "node-2", "node-4").stream()
            .map(id -> node(id).records().get(existing))
            .filter(held -> held != null && "\"v2\"".equals(held.value()))
            .count();
    assertTrue(stored >= 2, "on " + stored + " members of the target set");

    String deleted = leavingKey("deleted-put-");
    node("node-3").records().put(deleted, FakeNode.Stored.tombstone(5, 9));
    assertEquals(201, put(deleted, "\"v2\"").statusCode(), "a deleted key is created again");

    assertEquals(201, put(leavingKey("new-"), "\"v1\"").statusCode());
  }

  @Test
  void tooFewAnswersFromTheOldSetIsA503NotAGuess() throws Exception {
    String key = leavingKey("down-");
    node("node-3").records().put(key, new FakeNode.Stored("\"v5\"", 5, 9));
    // Two members of the old set cannot answer: its writes may be on them alone.
    for (String id : ReplicaMoves.of(moving).setsOf(key).get(0)) {
      if (!id.equals("node-3")) node(id).failReads(true);
    }
    HttpResponse<Buffer> r = call(HttpMethod.GET, key);
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsString().contains("quorum_not_reached"), r.bodyAsString());
  }
}
