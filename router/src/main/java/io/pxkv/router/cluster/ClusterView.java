package io.pxkv.router.cluster;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.forward.NodeClient;
import java.util.List;
import java.util.Map;

/**
 * One consistent picture of the cluster: the config, the ring built from it and a client for every
 * node in it. Immutable; a request reads one view at its start and uses it to the end, so a ring
 * swap never mixes two layouts inside one call.
 *
 * @param clients one per node, in config order (the order listings walk the nodes in)
 */
public record ClusterView(
    ClusterConfig config, ConsistentHashRing ring, List<NodeClient> clients, Map<String, NodeClient> byId) {

  public ClusterView {
    clients = List.copyOf(clients);
    byId = Map.copyOf(byId);
  }

  /** The client of the node that owns {@code key}. */
  public NodeClient ownerOf(String key) {
    return byId.get(ring.owner(key));
  }

  /** The position of node {@code id} in {@link #clients}, or -1. */
  public int indexOf(String id) {
    for (int i = 0; i < clients.size(); i++) {
      if (clients.get(i).node().id().equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
