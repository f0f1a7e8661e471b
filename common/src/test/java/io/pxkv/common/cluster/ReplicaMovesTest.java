package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaMovesTest {
  private static ClusterConfig layout(int replicas, String... ids) {
    List<NodeInfo> list = new ArrayList<>();
    for (String id : ids) list.add(NodeInfo.of(id, "127.0.0.1", 9000 + id.hashCode() % 500));
    return new ClusterConfig(null, 64, list, List.of(), new Replication(replicas, 0, 0));
  }

  private static ClusterState moving(ClusterConfig settled, ClusterConfig... layouts) {
    return new ClusterState("c", 2, settled, List.of(layouts), 0);
  }

  @Test
  void settledViewsAndSingleCopyMovesNeedNone() {
    assertNull(ReplicaMoves.of(ClusterState.first("c", layout(3, "a", "b", "c"))));
    assertNull(ReplicaMoves.of(moving(layout(1, "a", "b"), layout(1, "a", "b", "c"))));
    assertNotNull(ReplicaMoves.of(moving(layout(1, "a", "b", "c"), layout(3, "a", "b", "c"))));
  }

  @Test
  void holdersAreEveryReplicaSetTheTargetsFirst() {
    ClusterConfig settled = layout(3, "a", "b", "c", "d");
    ClusterConfig middle = layout(3, "a", "b", "c", "d", "e");
    ClusterConfig target = layout(3, "a", "b", "d", "e");
    ReplicaMoves moves = ReplicaMoves.of(moving(settled, middle, target));
    ReplicaPlacement[] each = {
      new ReplicaPlacement(settled), new ReplicaPlacement(middle), new ReplicaPlacement(target)
    };
    int changed = 0;
    for (int i = 0; i < 3000; i++) {
      String key = "key-" + i;
      Set<String> union = new LinkedHashSet<>(each[2].replicasOf(key));
      for (ReplicaPlacement p : each) union.addAll(p.replicasOf(key));
      List<String> holders = moves.holdersOf(key);
      assertEquals(List.copyOf(union), holders, key);
      assertEquals(each[2].replicasOf(key), holders.subList(0, 3), "the target's set first");
      boolean same =
          Set.copyOf(each[0].replicasOf(key)).equals(Set.copyOf(each[2].replicasOf(key)))
              && Set.copyOf(each[1].replicasOf(key)).equals(Set.copyOf(each[2].replicasOf(key)));
      assertEquals(!same, moves.changed(key), key);
      if (!same) changed++;
    }
    assertTrue(changed > 300 && changed < 2900, "some keys move, not all: " + changed);
  }

  /**
   * Runs every holder's pushes of a move: after them each member of every key's target set holds
   * whatever any holder held, and no node lets a key go that it keeps.
   */
  @Test
  void afterThePushesEveryTargetMemberHasEveryCopy() {
    List<ClusterState> moves =
        List.of(
            // a node added
            moving(layout(3, "a", "b", "c"), layout(3, "a", "b", "c", "d")),
            // a node removed
            moving(layout(3, "a", "b", "c", "d"), layout(3, "a", "b", "d")),
            // replicas raised, and a cluster that had fewer nodes than copies
            moving(layout(1, "a", "b", "c"), layout(3, "a", "b", "c")),
            moving(layout(3, "a", "b"), layout(3, "a", "b", "c")),
            // replicas lowered
            moving(layout(3, "a", "b", "c", "d"), layout(2, "a", "b", "c", "d")),
            // added, then removed again before the move ended (the file flipped back)
            moving(
                layout(3, "a", "b", "c"), layout(3, "a", "b", "c", "d"), layout(3, "a", "b", "c")));
    for (ClusterState state : moves) {
      ReplicaMoves m = ReplicaMoves.of(state);
      for (int i = 0; i < 2000; i++) {
        String key = "key-" + i;
        // Each holder holds a copy of its own (the newest is on any one of them).
        Map<String, Set<String>> copies = new HashMap<>();
        for (String h : m.holdersOf(key)) copies.put(h, new HashSet<>(Set.of(h)));
        Map<String, Set<String>> after = new HashMap<>();
        for (String h : m.holdersOf(key)) after.put(h, new HashSet<>(copies.get(h)));
        for (String h : m.holdersOf(key)) {
          for (String to : m.destinations(key, h)) {
            assertTrue(m.targetSet(key).contains(to), "pushes go to the target set only");
            after.get(to).addAll(copies.get(h));
          }
          if (!m.keeps(key, h)) after.get(h).clear(); // handed off, after its pushes
        }
        List<String> target = m.targetSet(key);
        if (!m.changed(key)) {
          for (String h : m.holdersOf(key)) assertTrue(m.destinations(key, h).isEmpty());
          continue;
        }
        for (String t : target) {
          String where = state.describe() + " " + key + " on " + t;
          assertTrue(after.get(t).contains(t), "a member keeps its own copy: " + where);
          for (String h : m.holdersOf(key)) {
            // A copy that leaves its node reaches every member; a member that gained the key
            // gets every holder's copy.
            if (!target.contains(h) || m.gained(key).contains(t)) {
              assertTrue(after.get(t).contains(h), h + "'s copy: " + where);
            }
          }
        }
        for (String h : m.holdersOf(key)) {
          if (!target.contains(h)) assertFalse(m.keeps(key, h));
        }
      }
    }
  }

  @Test
  void everyLayoutsReadQuorumIsKeptTheTargetsFromTheRequest() {
    ClusterState state =
        moving(
            new ClusterConfig(
                null, 64, layout(3, "a", "b", "c").nodes(), List.of(), new Replication(3, 2, 3)),
            layout(3, "a", "b", "c", "d"));
    assertEquals(List.of(3, 1), ReplicaMoves.of(state).quorums(1));
  }
}
