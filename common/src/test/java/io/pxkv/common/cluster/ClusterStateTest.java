package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.ring.ConsistentHashRing;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private static ClusterConfig layout(String... ids) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (String id : ids) nodes.add(NodeInfo.of(id, "127.0.0.1", 9000 + id.hashCode() % 900));
    return new ClusterConfig(64, nodes);
  }

  @Test
  void aSettledStateHasOneHolderPerKeyItsOwner() {
    ClusterState s = ClusterState.first("c1", layout("a", "b", "c"));
    assertFalse(s.moving());
    ClusterState.Placement p = s.placement();
    for (int i = 0; i < 1000; i++) {
      String key = "k" + i;
      assertEquals(List.of(p.owner(key)), p.holdersOf(key));
    }
  }

  @Test
  void whileMovingAKeyMayBeOnItsOwnerInEveryLayoutSinceTheClusterSettledAndNowhereElse() {
    ClusterConfig l0 = layout("a", "b", "c");
    ClusterConfig l1 = layout("a", "b", "c", "d");
    ClusterConfig l2 = layout("a", "c", "d");
    ClusterState s = ClusterState.first("c1", l0).toward(l1, 2).toward(l2, 3);
    assertTrue(s.moving());
    assertEquals(l2, s.target());
    ClusterState.Placement p = s.placement();
    ConsistentHashRing r0 = l0.ring();
    ConsistentHashRing r1 = l1.ring();
    ConsistentHashRing r2 = l2.ring();
    int spread = 0;
    for (int i = 0; i < 5000; i++) {
      String key = "k" + i;
      List<String> holders = p.holdersOf(key);
      assertEquals(r2.owner(key), holders.get(0), "the target's owner comes first");
      Set<String> expected = new HashSet<>(List.of(r0.owner(key), r1.owner(key), r2.owner(key)));
      assertEquals(expected, new HashSet<>(holders), key);
      assertEquals(holders.size(), new HashSet<>(holders).size(), "each holder once");
      if (holders.size() > 1) spread++;
    }
    assertTrue(spread > 1000, "a good part of the keys changed hands: " + spread);
    assertEquals(List.of("a", "c", "d", "b"), s.holders().stream().map(NodeInfo::id).toList());
  }

  @Test
  void movingBackToTheSettledLayoutStillConsultsTheLayoutInBetween() {
    ClusterConfig l0 = layout("a", "b", "c");
    ClusterConfig l1 = layout("a", "b", "c", "d");
    ClusterState s = ClusterState.first("c1", l0).toward(l1, 2).toward(l0, 3);
    assertTrue(s.moving(), "keys may sit on d");
    assertEquals(l0, s.target());
    assertEquals(4, s.holders().size());
    ClusterState settled = s.settledView(4);
    assertFalse(settled.moving());
    assertEquals(l0, settled.settled());
    assertEquals(3, settled.holders().size());
  }

  @Test
  void towardTheCurrentTargetAddsNoLayout() {
    ClusterConfig l0 = layout("a", "b");
    ClusterState s = ClusterState.first("c1", l0).toward(l0, 2);
    assertFalse(s.moving());
    assertEquals(2, s.epoch());
  }

  @Test
  void roundTripsThroughJsonAndDropsClusterIdsOfLayouts() {
    ClusterConfig l0 = layout("a", "b").withClusterId("ignored");
    ClusterState s =
        ClusterState.first("prod-1", l0).toward(layout("a", "b", "c"), 7).withFloor(123456789L);
    ClusterState back = ClusterState.fromJson(new JsonObject(s.toJson().encode()), "test");
    assertEquals(s, back);
    assertEquals(null, back.settled().clusterId());
    assertEquals(123456789L, back.floor());
  }

  @Test
  void aDamagedStateIsRefusedNamingEveryProblem() {
    JsonObject bad = new JsonObject().put("clusterId", "no spaces allowed").put("epoch", -1);
    ConfigException e =
        assertThrows(ConfigException.class, () -> ClusterState.fromJson(bad, "CLUSTER"));
    assertTrue(e.getMessage().contains("clusterId"), e.getMessage());
    assertTrue(e.getMessage().contains("epoch"), e.getMessage());
    assertTrue(e.getMessage().contains("settled"), e.getMessage());
  }

  @Test
  void clusterIdsInTheClusterFileAreChecked() {
    ClusterConfig ok =
        ClusterConfig.fromJson(
            "{\"clusterId\":\"prod-eu.1\",\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"}]}", "f");
    assertEquals("prod-eu.1", ok.clusterId());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ClusterConfig.fromJson(
                    "{\"clusterId\":\"a b\",\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"}]}",
                    "f"));
    assertTrue(e.oneLine().contains("clusterId"), e.oneLine());
  }
}
