package io.pxkv.node.http;

import static io.pxkv.node.http.MigrationApiTest.importLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.Replication;
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
 * {@code POST /internal/push-strays} with two copies of every key, between three real nodes in a
 * moving view: node-a leaves ({a, b} to {b, c}). node-a's keys go to both members of their new set
 * before it lets them go, and stay while one of them cannot take them; node-b, which keeps every
 * key, copies them to node-c, which gained them, and keeps its own.
 */
class ReplicatedStrayPusherTest {
  private static final String CLUSTER = "replica-pushing";
  private static final int KEYS = 40;

  @TempDir Path dirA;
  @TempDir Path dirB;
  @TempDir Path dirC;
  private TestNode a;
  private TestNode b;
  private TestNode c;

  @BeforeEach
  void start() throws Exception {
    a = TestNode.start("node-a", dirA, 4096);
    b = TestNode.start("node-b", dirB, 4096);
    c = TestNode.start("node-c", dirC, 4096);
    NodeInfo infoA = NodeInfo.of("node-a", "127.0.0.1", a.port());
    NodeInfo infoB = NodeInfo.of("node-b", "127.0.0.1", b.port());
    NodeInfo infoC = NodeInfo.of("node-c", "127.0.0.1", c.port());
    Replication two = new Replication(2, 1, 1);
    ClusterConfig before = new ClusterConfig(null, 16, List.of(infoA, infoB), List.of(), two);
    ClusterConfig after = new ClusterConfig(null, 16, List.of(infoB, infoC), List.of(), two);
    ClusterState state = new ClusterState(CLUSTER, 1, before, List.of(after), 0);
    for (TestNode n : List.of(a, b, c)) {
      String id = n == a ? "node-a" : n == b ? "node-b" : "node-c";
      HttpResponse<String> prepared = NodeViewApiTest.prepare(n.client(), id, state.toJson());
      assertEquals(200, prepared.statusCode(), prepared.body());
      HttpResponse<String> opened = NodeViewApiTest.open(n.client(), id, 1, 0);
      assertEquals(200, opened.statusCode(), opened.body());
    }
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < KEYS; i++) lines.append(importLine(key(i), "\"" + i + "\"", 1000 + i, 5));
    for (TestNode n : List.of(a, b)) {
      assertEquals(200, n.client().send("POST", "/internal/import", lines.toString()).statusCode());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (TestNode n : new TestNode[] {a, b, c}) if (n != null) n.close();
  }

  private static String key(int i) {
    return String.format("k%02d", i);
  }

  private static final Map<String, String> TAG =
      Map.of("X-Pxkv-Cluster", CLUSTER, "X-Pxkv-Epoch", "1");

  private static HttpResponse<String> push(TestNode from) {
    return from.client().send("POST", "/internal/push-strays?limit=1000", null, TAG);
  }

  private static HttpResponse<String> read(TestNode on, String key) {
    return on.client().get("/internal/read?key=" + NodeClient.queryEncode(key));
  }

  @Test
  void aLeavingNodesKeysReachEveryNewReplicaBeforeItLetsThemGo() {
    HttpResponse<String> pushed = push(a);
    assertEquals(200, pushed.statusCode(), pushed.body());
    assertEquals(KEYS, new JsonObject(pushed.body()).getLong("moved"), pushed.body());
    for (int i = 0; i < KEYS; i++) {
      for (TestNode n : List.of(b, c)) {
        HttpResponse<String> r = read(n, key(i));
        assertEquals(200, r.statusCode(), key(i) + ": " + r.body());
        assertEquals(1000 + i, new JsonObject(r.body()).getLong("version"));
      }
      assertEquals(404, read(a, key(i)).statusCode(), key(i) + " left node-a");
    }
  }

  @Test
  void aNewReplicaThatCannotTakeThemKeepsThemOnTheLeavingNode() throws Exception {
    c.close();
    c = null;
    HttpResponse<String> pushed = push(a);
    assertNotEquals(200, pushed.statusCode(), pushed.body());
    for (int i = 0; i < KEYS; i++) {
      assertEquals(200, read(a, key(i)).statusCode(), key(i) + " must stay on node-a");
    }
  }

  @Test
  void aNodeThatKeepsItsKeysCopiesThemToTheNodeThatGainedThem() {
    HttpResponse<String> pushed = push(b);
    assertEquals(200, pushed.statusCode(), pushed.body());
    for (int i = 0; i < KEYS; i++) {
      assertEquals(200, read(c, key(i)).statusCode(), key(i) + " reached node-c");
      assertEquals(200, read(b, key(i)).statusCode(), key(i) + " stays on node-b");
    }
  }
}
