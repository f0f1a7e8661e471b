package io.pxkv.router.cluster;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.forward.NodeClient;
import java.util.List;
import java.util.Map;

/**
 * One consistent picture of the cluster: the config, the ring built from it and a client for every
 * node in it. Immutable but for the count of its writes in flight; a request reads one view at its
 * start and uses it to the end, so a ring swap never mixes two layouts inside one call.
 *
 * <p>While keys move between nodes ({@code moving}), {@code clients} also holds the nodes that may
 * still have keys but are no longer in the config (they are being drained): listings walk them too,
 * and a read that misses on the owner asks them and the other nodes.
 *
 * @param config the target layout: the ring routes by it
 * @param clients one per node that may hold keys: the config's nodes in config order (the order
 *     listings walk the nodes in), then any node being drained
 * @param moving whether keys may still be on nodes other than their owner
 * @param writes the writes routed by this view and not answered yet (the one mutable part)
 */
public record ClusterView(
    ClusterConfig config,
    ConsistentHashRing ring,
    List<NodeClient> clients,
    Map<String, NodeClient> byId,
    boolean moving,
    WritesInFlight writes) {

  public ClusterView {
    clients = List.copyOf(clients);
    byId = Map.copyOf(byId);
  }

  /** While moving: every node but {@code owner} that may hold a key. Empty otherwise. */
  public List<NodeClient> othersThan(NodeClient owner) {
    if (!moving) return List.of();
    List<NodeClient> others = new java.util.ArrayList<>(clients.size() - 1);
    for (NodeClient c : clients) {
      if (c != owner) others.add(c);
    }
    return others;
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
