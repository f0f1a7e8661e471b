package io.pxkv.router.rebalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebalanceStateTest {
  private static ClusterConfig cluster(int... ports) {
    List<NodeInfo> nodes = new java.util.ArrayList<>();
    for (int p : ports) nodes.add(NodeInfo.of("node-" + p, "127.0.0.1", p));
    return new ClusterConfig(128, nodes);
  }

  @Test
  void everyNodeSeenSinceTheLastSettledLayoutStaysAHolder() {
    RebalanceState settled = RebalanceState.settledOn(cluster(1, 2, 3));
    assertFalse(settled.unsettled(cluster(1, 2, 3)));
    RebalanceState adding = settled.target(cluster(1, 2, 3, 4));
    assertTrue(adding.unsettled(cluster(1, 2, 3, 4)));
    RebalanceState thenRemoving = adding.target(cluster(1, 3, 4));
    assertEquals(
        List.of("node-1", "node-2", "node-3", "node-4"),
        thenRemoving.holders().stream().map(NodeInfo::id).toList());
    assertEquals(cluster(1, 2, 3), thenRemoving.settled());
    assertTrue(thenRemoving.unsettled(cluster(1, 3, 4)));
  }

  @Test
  void savedStateLoadsBackEqual(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("router").resolve(RebalanceState.FILE_NAME);
    RebalanceState state = RebalanceState.settledOn(cluster(1, 2)).target(cluster(2, 3));
    state.save(file);
    assertEquals(state, RebalanceState.load(file));
    RebalanceState.settledOn(cluster(2, 3)).save(file);
    assertEquals(RebalanceState.settledOn(cluster(2, 3)), RebalanceState.load(file));
  }
}
