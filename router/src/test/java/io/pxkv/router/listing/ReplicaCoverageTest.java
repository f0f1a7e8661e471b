package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaPlacement;
import io.pxkv.common.cluster.Replication;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which nodes a listing may go without: every replica set must keep R members that answered. */
class ReplicaCoverageTest {
  private static Set<List<String>> sets(int nodes, Replication replication) {
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) infos.add(NodeInfo.of("n" + i, "127.0.0.1", 7000 + i));
    return new ReplicaPlacement(new ClusterConfig(null, 64, infos, List.of(), replication))
        .replicaSets();
  }

  @Test
  void threeNodesThreeCopiesReadQuorumTwoGoWithoutOneNodeButNotTwo() {
    Set<List<String>> sets = sets(3, new Replication(3, 2, 2));
    assertTrue(ReplicaCoverage.enough(sets, 2, Set.of()));
    for (String id : List.of("n1", "n2", "n3")) {
      assertTrue(ReplicaCoverage.enough(sets, 2, Set.of(id)), id);
    }
    assertFalse(ReplicaCoverage.enough(sets, 2, Set.of("n1", "n3")));
  }

  @Test
  void fiveNodesGoWithoutAnyOneNodeAtReadQuorumTwoAndAnyTwoAtReadQuorumOne() {
    Set<List<String>> sets = sets(5, new Replication(3, 2, 2));
    for (int a = 1; a <= 5; a++) {
      assertTrue(ReplicaCoverage.enough(sets, 2, Set.of("n" + a)), "n" + a);
      for (int b = a + 1; b <= 5; b++) {
        assertTrue(ReplicaCoverage.enough(sets, 1, Set.of("n" + a, "n" + b)), a + "," + b);
      }
    }
    // Every node keeps some keys as a replica: with all its set's members gone, they are lost.
    assertFalse(ReplicaCoverage.enough(sets, 1, Set.of("n1", "n2", "n3", "n4")));
  }

  @Test
  void oneCopyCannotGoWithoutAnyNode() {
    Set<List<String>> sets = sets(3, new Replication(1, 1, 1));
    assertTrue(ReplicaCoverage.enough(sets, 1, Set.of()));
    assertFalse(ReplicaCoverage.enough(sets, 1, Set.of("n2")));
  }
}
