package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicaPlacementTest {
  private static ClusterConfig layout(int nodes, int replicas, String... zones) {
    List<NodeInfo> list = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      String zone = zones.length == 0 ? null : zones[i];
      list.add(NodeInfo.of("node-" + i, "127.0.0.1", 9000 + i).inZone(zone));
    }
    return new ClusterConfig(null, 64, list, List.of(), new Replication(replicas, 0, 0));
  }

  @Test
  void withoutZonesTheReplicasAreTheRingsPreferenceList() {
    ClusterConfig c = layout(5, 3);
    ReplicaPlacement p = new ReplicaPlacement(c);
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String key = "k" + random.nextInt();
      assertEquals(c.ring().preferenceList(key, 3), p.replicasOf(key), key);
      assertEquals(c.ring().owner(key), p.replicasOf(key).get(0), "the owner comes first");
    }
  }

  @Test
  void replicasGoToDistinctZonesWhereTheZonesAllow() {
    ClusterConfig c = layout(6, 3, "a", "a", "b", "b", "c", "c");
    ClusterConfig byZone = c;
    ReplicaPlacement p = new ReplicaPlacement(c);
    Map<String, Integer> firsts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      List<String> r = p.replicasOf("key-" + i);
      assertEquals(3, r.size());
      HashSet<String> zones = new HashSet<>();
      for (String id : r) zones.add(byZone.node(id).zone());
      assertEquals(3, zones.size(), "distinct zones for " + r);
      assertEquals(c.ring().owner("key-" + i), r.get(0));
      firsts.merge(r.get(0), 1, Integer::sum);
    }
    assertEquals(6, firsts.size(), "every node owns keys");
  }

  @Test
  void fewerZonesThanCopiesFillUpWithOtherNodes() {
    ClusterConfig c = layout(4, 3, "a", "a", "a", "b");
    ReplicaPlacement p = new ReplicaPlacement(c);
    for (int i = 0; i < 1000; i++) {
      List<String> r = p.replicasOf("key-" + i);
      assertEquals(3, new HashSet<>(r).size(), "three distinct nodes: " + r);
      assertTrue(r.contains("node-3"), "the only node of zone b keeps every key: " + r);
    }
  }

  @Test
  void oneCopyIsTheOwnerAlone() {
    ClusterConfig c = layout(4, 1, "a", "a", "b", "b");
    ReplicaPlacement p = new ReplicaPlacement(c);
    for (int i = 0; i < 500; i++) {
      assertEquals(List.of(c.ring().owner("key-" + i)), p.replicasOf("key-" + i));
    }
    assertEquals(4, p.replicaSets().size());
  }

  @Test
  void copiesAreCappedByTheNodes() {
    ReplicaPlacement p = new ReplicaPlacement(layout(2, 3));
    assertEquals(2, p.copies());
    assertEquals(2, p.replicasOf("x").size());
  }

  @Test
  void theOthersAreTheRestOfThePreferenceListWhereHintsGo() {
    ClusterConfig c = layout(5, 3);
    ReplicaPlacement p = new ReplicaPlacement(c);
    for (int i = 0; i < 1000; i++) {
      String key = "key-" + i;
      List<String> all = new ArrayList<>(p.replicasOf(key));
      all.addAll(p.othersOf(key));
      assertEquals(c.ring().preferenceList(key, 5), all, key);
    }
    ReplicaPlacement everyNode = new ReplicaPlacement(layout(3, 3));
    assertEquals(List.of(), everyNode.othersOf("x"), "three copies on three nodes: no other");
  }
}
