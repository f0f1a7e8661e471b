package io.pxkv.node.http;

import static io.pxkv.node.http.MigrationApiTest.handoffLine;
import static io.pxkv.node.http.MigrationApiTest.importLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.node.NodeClient;
import io.pxkv.node.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/push-strays} between two real nodes in a moving view (node-b joining
 * node-a): strays reach their owner with their versions and writers and leave markers behind;
 * markers are walked over but never pushed, since a key that already left is not a stray (pushed as
 * a tombstone, it would delete the key on its owner).
 */
class StrayPusherTest {
  private static final String CLUSTER = "pushing";

  @TempDir Path dirA;
  @TempDir Path dirB;
  private TestNode a;
  private TestNode b;
  private ClusterState state;

  @BeforeEach
  void start() throws Exception {
    a = TestNode.start("node-a", dirA, 4096);
    b = TestNode.start("node-b", dirB, 4096);
    NodeInfo infoA = NodeInfo.of("node-a", "127.0.0.1", a.port());
    NodeInfo infoB = NodeInfo.of("node-b", "127.0.0.1", b.port());
    ClusterConfig before = new ClusterConfig(16, List.of(infoA));
    ClusterConfig after = new ClusterConfig(16, List.of(infoA, infoB));
    state = new ClusterState(CLUSTER, 1, before, List.of(after), 0);
    for (TestNode n : List.of(a, b)) {
      String id = n == a ? "node-a" : "node-b";
      HttpResponse<String> prepared = NodeViewApiTest.prepare(n.client(), id, state.toJson());
      assertEquals(200, prepared.statusCode(), prepared.body());
      HttpResponse<String> opened = NodeViewApiTest.open(n.client(), id, 1, 0);
      assertEquals(200, opened.statusCode(), opened.body());
    }
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
  }

  private static final Map<String, String> TAG =
      Map.of("X-Pxkv-Cluster", CLUSTER, "X-Pxkv-Epoch", "1");

  private JsonObject push(String query) {
    HttpResponse<String> r = a.client().send("POST", "/internal/push-strays" + query, null, TAG);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> read(NodeClient client, String key) {
    return client.get("/internal/read?key=" + NodeClient.queryEncode(key));
  }

  @Test
  void markersAreWalkedOverButNeverPushed() {
    List<String> strays = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      String key = String.format("k%02d", i);
      lines.append(importLine(key, "\"" + i + "\"", 1000 + i, 5));
      if (state.placement().owner(key).equals("node-b")) strays.add(key);
    }
    assertTrue(strays.size() > 5, "node-b owns some keys: " + strays);
    assertEquals(200, a.client().send("POST", "/internal/import", lines.toString()).statusCode());
    // One stray already left node-a: its copy went elsewhere (a move of an earlier view), so
    // node-b has none, and node-a holds only its marker.
    String gone = strays.get(2);
    long goneVersion = 1000 + Integer.parseInt(gone.substring(1));
    HttpResponse<String> handedOff =
        a.client().send("POST", "/internal/handoff", handoffLine(gone, goneVersion, 5));
    assertEquals("{\"handedOff\":1,\"skipped\":0}", handedOff.body());

    JsonObject first = push("?limit=1000");
    HttpResponse<String> onB = read(b.client(), gone);
    assertEquals(404, onB.statusCode(), onB.body());
    assertFalse(
        new JsonObject(onB.body()).containsKey("deleted"),
        "a marker pushed as a tombstone would delete the key on its owner: " + onB.body());
    assertEquals(strays.size() - 1, first.getLong("moved"), "the marker is no stray");
    assertEquals(null, first.getString("next"));
    for (String key : strays) {
      if (key.equals(gone)) continue;
      long version = 1000 + Integer.parseInt(key.substring(1));
      HttpResponse<String> r = read(b.client(), key);
      assertEquals(200, r.statusCode(), key + ": " + r.body());
      assertEquals(version, new JsonObject(r.body()).getLong("version"));
      assertEquals(404, read(a.client(), key).statusCode(), key + " left node-a");
    }

    // Every stray is a marker now: a walk over them moves nothing and pages by what it scanned.
    JsonObject page = push("?limit=3");
    assertEquals(0, page.getLong("moved"), page.encode());
    assertEquals(strays.get(2), page.getString("next"), "the cursor counts the markers walked");
    JsonObject rest = push("?limit=1000&after=" + NodeClient.queryEncode(page.getString("next")));
    assertEquals(0, rest.getLong("moved"), rest.encode());
    assertEquals(null, rest.getString("next"));
    assertEquals(404, read(b.client(), gone).statusCode());
  }
}
