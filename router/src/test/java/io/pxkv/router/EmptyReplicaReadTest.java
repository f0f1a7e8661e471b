package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaPlacement;
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
 * Replicated reads (N=3, R=2) when a replica answers that it holds nothing at all, as one started
 * on a wiped data directory does until anti-entropy has refilled it: that answer is not taken as
 * evidence the key is absent while a replica not asked yet is up, so a write that only the third
 * replica still holds is read, not a 404 or an older value.
 */
@ExtendWith(VertxExtension.class)
class EmptyReplicaReadTest {
  private static final long WAIT_S = 20;

  private final List<FakeNode> nodes = new ArrayList<>();
  private ClusterConfig cluster;
  private RunningRouter router;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    nodes.addAll(FakeNode.startAll(vertx, 3));
    List<NodeInfo> infos = FakeNode.infos(nodes);
    cluster = new ClusterConfig(null, 128, infos, List.of(), new Replication(3, 2, 2));
    RouterConfig config =
        RouterConfig.of(cluster, 0).toBuilder().instances(1).antiEntropyKeysPerSecond(0).build();
    router = RunningRouter.start(vertx, config).await(WAIT_S, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  /** The key's replicas in the order a read asks them (none is suspected). */
  private List<FakeNode> replicas(String key) {
    List<FakeNode> out = new ArrayList<>();
    for (String id : new ReplicaPlacement(cluster).replicasOf(key)) {
      out.add(nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow());
    }
    return out;
  }

  private HttpResponse<Buffer> get(String key) throws Exception {
    return client
        .request(HttpMethod.GET, router.port(), "127.0.0.1", "/kv?key=" + key)
        .send()
        .await(WAIT_S, TimeUnit.SECONDS);
  }

  private static long readsOf(FakeNode node, String key) {
    return node.seen().stream().filter(s -> s.uri().equals("/internal/read?key=" + key)).count();
  }

  @Test
  void aWriteOnlyTheThirdReplicaHoldsIsReadWhenTheFirstTwoHoldNothing() throws Exception {
    List<FakeNode> order = replicas("only-third");
    order.get(2).records().put("only-third", new FakeNode.Stored("\"v5\"", 5, 9));
    HttpResponse<Buffer> r = get("only-third");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("v5", new JsonObject(r.bodyAsString()).getString("value"));
  }

  @Test
  void aNewerWriteOnTheThirdReplicaBeatsAnOlderOneWhenTheFirstHoldsNothing() throws Exception {
    List<FakeNode> order = replicas("older-second");
    order.get(1).records().put("older-second", new FakeNode.Stored("\"v3\"", 3, 9));
    order.get(2).records().put("older-second", new FakeNode.Stored("\"v5\"", 5, 9));
    HttpResponse<Buffer> r = get("older-second");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("v5", new JsonObject(r.bodyAsString()).getString("value"));
  }

  @Test
  void aKeyNoReplicaHoldsIs404AfterAllThreeAndOneEveryReplicaHoldsAsksTwo() throws Exception {
    HttpResponse<Buffer> missing = get("nowhere");
    assertEquals(404, missing.statusCode(), missing.bodyAsString());
    for (FakeNode n : replicas("nowhere")) assertEquals(1, readsOf(n, "nowhere"), n.id());
    List<FakeNode> order = replicas("everywhere");
    order.get(0).records().put("everywhere", FakeNode.Stored.tombstone(4, 9));
    order.get(1).records().put("everywhere", new FakeNode.Stored("\"v3\"", 3, 9));
    order.get(2).records().put("everywhere", new FakeNode.Stored("\"v3\"", 3, 9));
    HttpResponse<Buffer> deleted = get("everywhere");
    assertEquals(404, deleted.statusCode(), deleted.bodyAsString());
    assertEquals(0, readsOf(order.get(2), "everywhere"), "two answers that hold the key suffice");
  }
}
