package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's side of views: {@code /internal/view}, {@code .../prepare} and {@code .../open}, the
 * cluster id it keeps, and the gate that refuses requests of another cluster or another view.
 */
class NodeViewApiTest {
  @TempDir Path dataDir;
  private TestNode node;
  private NodeClient client;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.start("node-v", dataDir, 4096);
    client = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  /** A view of cluster {@code clusterId} at {@code epoch} whose only node is {@code nodeId}. */
  static JsonObject state(String nodeId, String clusterId, long epoch) {
    ClusterConfig layout = new ClusterConfig(16, List.of(NodeInfo.of(nodeId, "127.0.0.1", 9999)));
    return new ClusterState(clusterId, epoch, layout, List.of(), 0).toJson();
  }

  /** Prepares and opens view {@code epoch} with {@code floor} on the node, asserting both work. */
  static long prepareAndOpen(
      NodeClient client, String nodeId, String clusterId, long epoch, long floor) {
    HttpResponse<String> prepared = prepare(client, nodeId, state(nodeId, clusterId, epoch));
    assertEquals(200, prepared.statusCode(), prepared.body());
    HttpResponse<String> opened = open(client, nodeId, epoch, floor);
    assertEquals(200, opened.statusCode(), opened.body());
    return new JsonObject(prepared.body()).getLong("clock");
  }

  static HttpResponse<String> prepare(NodeClient client, String nodeId, JsonObject state) {
    return client.send(
        "POST",
        "/internal/view/prepare",
        new JsonObject().put("node", nodeId).put("state", state).encode());
  }

  static HttpResponse<String> open(NodeClient client, String nodeId, long epoch, long floor) {
    return client.send(
        "POST",
        "/internal/view/open",
        new JsonObject().put("node", nodeId).put("epoch", epoch).put("floor", floor).encode());
  }

  private static Map<String, String> tag(String cluster, long epoch) {
    return Map.of("X-Pxkv-Cluster", cluster, "X-Pxkv-Epoch", Long.toString(epoch));
  }

  @Test
  void aNewNodeHasNoViewAndJoinsTheClusterOfItsFirstPrepare() {
    JsonObject fresh = new JsonObject(client.send("GET", "/internal/view", null).body());
    assertEquals("node-v", fresh.getString("node"));
    assertEquals(null, fresh.getString("clusterId"));
    prepareAndOpen(client, "node-v", "blue", 1, 0);
    JsonObject joined = new JsonObject(client.send("GET", "/internal/view", null).body());
    assertEquals("blue", joined.getString("clusterId"));
    assertEquals(1, joined.getJsonObject("open").getLong("epoch"));
  }

  @Test
  void anotherClustersViewsAndRequestsAreRefusedNamingBothIds() {
    prepareAndOpen(client, "node-v", "blue", 1, 0);
    HttpResponse<String> foreign = prepare(client, "node-v", state("node-v", "green", 9));
    MigrationApiTest.assertError(foreign, 409, "wrong_cluster", "this node belongs to cluster");
    assertTrue(foreign.body().contains("blue") && foreign.body().contains("green"), foreign.body());
    HttpResponse<String> write = client.send("PUT", "/kv/k", "1", tag("green", 1));
    MigrationApiTest.assertError(write, 409, "wrong_cluster", "this node belongs to cluster");
    assertEquals(404, client.getKey("k").statusCode(), "nothing was written");
  }

  @Test
  void aPrepareForAnotherNodeOrNotNamingThisOneIsRefused() {
    HttpResponse<String> misrouted = prepare(client, "node-x", state("node-v", "blue", 1));
    MigrationApiTest.assertError(misrouted, 409, "wrong_cluster", "this node is node-v");
    HttpResponse<String> absent = prepare(client, "node-v", state("node-other", "blue", 1));
    MigrationApiTest.assertError(absent, 409, "wrong_cluster", "node node-v is not one of");
  }

  @Test
  void aRequestOfAnotherViewIsRefusedWithTheNodesEpochAndChangesNothing() {
    prepareAndOpen(client, "node-v", "blue", 4, 0);
    HttpResponse<String> old = client.send("PUT", "/kv/k", "1", tag("blue", 3));
    MigrationApiTest.assertError(old, 409, "stale_view", "this node serves view 4");
    assertEquals(4, new JsonObject(old.body()).getLong("epoch"));
    HttpResponse<String> ahead = client.send("GET", "/kv/k", null, tag("blue", 5));
    assertEquals(409, ahead.statusCode());
    assertEquals(404, client.getKey("k").statusCode());
    assertEquals(201, client.send("PUT", "/kv/k", "1", tag("blue", 4)).statusCode());
  }

  @Test
  void whileANewerViewIsPreparedReadsOfTheOpenOneAreServedAndItsWritesRefused() {
    prepareAndOpen(client, "node-v", "blue", 1, 0);
    assertEquals(201, client.send("PUT", "/kv/k", "1", tag("blue", 1)).statusCode());
    assertEquals(200, prepare(client, "node-v", state("node-v", "blue", 2)).statusCode());
    assertEquals(200, client.send("GET", "/kv/k", null, tag("blue", 1)).statusCode());
    HttpResponse<String> fenced = client.send("PUT", "/kv/k", "2", tag("blue", 1));
    MigrationApiTest.assertError(fenced, 409, "stale_view", "");
    assertEquals(200, open(client, "node-v", 2, 0).statusCode());
    assertEquals(200, client.send("PUT", "/kv/k", "2", tag("blue", 2)).statusCode());
  }

  @Test
  void theClockReadingIsAboveEveryVersionAndTheFloorRaisesTheClock() {
    prepareAndOpen(client, "node-v", "blue", 1, 0);
    HttpResponse<String> put = client.send("PUT", "/kv/k", "1", tag("blue", 1));
    long written = new JsonObject(put.body()).getLong("version");
    HttpResponse<String> prepared = prepare(client, "node-v", state("node-v", "blue", 2));
    long clock = new JsonObject(prepared.body()).getLong("clock");
    assertTrue(clock > written, clock + " > " + written);
    long floor = clock + 3_600_000_000L; // an hour ahead: another node's clock ran fast
    assertEquals(200, open(client, "node-v", 2, floor).statusCode());
    HttpResponse<String> later = client.send("PUT", "/kv/k", "2", tag("blue", 2));
    assertTrue(new JsonObject(later.body()).getLong("version") > floor, later.body());
  }

  @Test
  void anOlderOrDifferentViewOfAnEpochAlreadyPreparedIsRefusedButTheSameOneIsFine() {
    prepareAndOpen(client, "node-v", "blue", 5, 0);
    assertEquals(200, prepare(client, "node-v", state("node-v", "blue", 5)).statusCode());
    MigrationApiTest.assertError(
        prepare(client, "node-v", state("node-v", "blue", 4)), 409, "stale_view", "view 4");
    MigrationApiTest.assertError(open(client, "node-v", 6, 0), 409, "stale_view", "view 6");
  }

  @Test
  void aRestartedNodeKeepsItsClusterAndViewAndFence() throws Exception {
    prepareAndOpen(client, "node-v", "blue", 1, 0);
    assertEquals(200, prepare(client, "node-v", state("node-v", "blue", 2)).statusCode());
    node.close();
    node = TestNode.start("node-v", dataDir, 4096);
    client = node.client();
    JsonObject view = new JsonObject(client.send("GET", "/internal/view", null).body());
    assertEquals("blue", view.getString("clusterId"));
    assertEquals(1, view.getJsonObject("open").getLong("epoch"));
    assertEquals(2, view.getJsonObject("prepared").getLong("epoch"));
    MigrationApiTest.assertError(
        client.send("PUT", "/kv/k", "1", tag("blue", 1)), 409, "stale_view", "");
    assertEquals(200, open(client, "node-v", 2, 0).statusCode());
    assertEquals(201, client.send("PUT", "/kv/k", "1", tag("blue", 2)).statusCode());
  }

  /**
   * While one router holds the coordinator lease, view changes from another router (or naming no
   * router) are refused with 409 and change nothing; once it is released they pass.
   */
  @Test
  void onlyTheLeaseHolderMayChangeTheView() {
    JsonObject granted = lease(new JsonObject().put("router", "r1").put("ms", 5000));
    assertEquals(true, granted.getBoolean("granted"));
    JsonObject denied = lease(new JsonObject().put("router", "r2").put("ms", 5000));
    assertEquals(false, denied.getBoolean("granted"));
    assertEquals("r1", denied.getString("holder"));

    for (String router : new String[] {"r2", null}) {
      JsonObject body =
          new JsonObject().put("node", "node-v").put("state", state("node-v", "blue", 1));
      if (router != null) body.put("coordinator", router);
      HttpResponse<String> refused = client.send("POST", "/internal/view/prepare", body.encode());
      assertEquals(409, refused.statusCode(), refused.body());
      assertEquals("not_coordinator", new JsonObject(refused.body()).getString("error"));
    }
    JsonObject view = new JsonObject(client.send("GET", "/internal/view", null).body());
    assertEquals(null, view.getValue("prepared"), "a refused prepare changes nothing");

    JsonObject body =
        new JsonObject()
            .put("node", "node-v")
            .put("state", state("node-v", "blue", 1))
            .put("coordinator", "r1");
    assertEquals(200, client.send("POST", "/internal/view/prepare", body.encode()).statusCode());
    HttpResponse<String> openByOther =
        client.send(
            "POST",
            "/internal/view/open",
            new JsonObject()
                .put("node", "node-v")
                .put("epoch", 1)
                .put("floor", 0)
                .put("coordinator", "r2")
                .encode());
    assertEquals(409, openByOther.statusCode(), openByOther.body());

    lease(new JsonObject().put("router", "r1").put("release", true));
    assertEquals(200, open(client, "node-v", 1, 0).statusCode(), "released: the fence is down");
  }

  @Test
  void badLeaseBodiesAre400() {
    for (String body :
        new String[] {
          "{}", "{\"router\":\"\"}", "{\"router\":\"r\",\"ms\":5}",
          "{\"router\":\"r\",\"ms\":\"x\"}", "[1]", "{\"router\":\"r\",\"ms\":600000}"
        }) {
      HttpResponse<String> r = client.send("POST", "/internal/lease", body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
    }
    assertEquals(405, client.send("GET", "/internal/lease", null).statusCode());
  }

  private JsonObject lease(JsonObject body) {
    HttpResponse<String> r = client.send("POST", "/internal/lease", body.encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void badViewBodiesAre400() {
    for (String body :
        List.of(
            "", "[]", "{\"node\":\"node-v\"}", "{\"node\":\"node-v\",\"state\":{\"epoch\":1}}")) {
      HttpResponse<String> r = client.send("POST", "/internal/view/prepare", body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
    }
    HttpResponse<String> r =
        client.send("POST", "/internal/view/open", "{\"node\":\"node-v\",\"epoch\":-1}");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(405, client.send("GET", "/internal/view/prepare", null).statusCode());
  }
}
