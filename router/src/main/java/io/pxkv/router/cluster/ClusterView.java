package io.pxkv.router.cluster;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.ReplicaMoves;
import io.pxkv.common.cluster.ReplicaPlacement;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.ViewTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One event loop's picture of the cluster: a {@link ClusterState} (one view, one epoch), the rings
 * built from it and a client for every node that may hold keys. Immutable; a request reads one view
 * at its start and uses it to the end, so a view change never mixes two layouts inside one call,
 * and every call it makes carries the view's {@link ViewTag}: a node that moved on refuses it, and
 * the request is routed again by the newer view.
 *
 * @param state the view
 * @param placement where keys are and go under it
 * @param tag the cluster id and epoch every request routed by this view carries
 * @param clients one per node that may hold keys: the target's nodes in config order (the order
 *     status pages list), then nodes of earlier layouts still being drained
 * @param byId the same clients by node id
 * @param replicas each key's replica set in the target ({@link ReplicaPlacement})
 * @param moves each key's replica set in every layout while a cluster with replicas moves, else
 *     null ({@link ReplicaMoves})
 */
public record ClusterView(
    ClusterState state,
    ClusterState.Placement placement,
    ViewTag tag,
    List<NodeClient> clients,
    Map<String, NodeClient> byId,
    ReplicaPlacement replicas,
    ReplicaMoves moves) {

  public ClusterView {
    clients = List.copyOf(clients);
    byId = Map.copyOf(byId);
  }

  /** The layout writes are routed by. */
  public ClusterConfig config() {
    return state.target();
  }

  /** The target's ring. */
  public ConsistentHashRing ring() {
    return placement.rings().get(placement.rings().size() - 1);
  }

  /** Whether keys may still be away from their owner (on other holders). */
  public boolean moving() {
    return state.moving();
  }

  public long epoch() {
    return state.epoch();
  }

  /** Whether keys are kept on more than one node: reads and writes then go through quorums. */
  public boolean replicated() {
    return replicas.copies() > 1;
  }

  /** The clients of the nodes that keep {@code key} in the target, its owner first. */
  public List<NodeClient> replicasOf(String key) {
    List<String> ids = replicas.replicasOf(key);
    List<NodeClient> out = new ArrayList<>(ids.size());
    for (String id : ids) out.add(byId.get(id));
    return out;
  }

  /**
   * The clients of the target's nodes that do not keep {@code key}, in preference-list order: the
   * stand-ins for a replica that misses a write.
   */
  public List<NodeClient> othersOf(String key) {
    List<String> ids = replicas.othersOf(key);
    List<NodeClient> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      NodeClient c = byId.get(id);
      if (c != null) out.add(c);
    }
    return out;
  }

  /** The client of the node that owns {@code key} in the target. */
  public NodeClient ownerOf(String key) {
    return byId.get(placement.owner(key));
  }

  /**
   * Whether {@code key}'s copies move in this view with replicas: its replica set is not the same
   * in every layout, so reads and deletes must also ask the members of its earlier sets.
   */
  public boolean replicasMove(String key) {
    return moves != null && moves.changed(key);
  }

  /**
   * The clients of every node that may hold {@code key}, its owner first; just the owner when the
   * key has not changed hands since the cluster last settled. While a cluster with replicas moves:
   * every member of its replica sets, the target's first.
   */
  public List<NodeClient> holdersOf(String key) {
    List<String> ids = moves != null ? moves.holdersOf(key) : placement.holdersOf(key);
    if (ids.size() == 1) return List.of(byId.get(ids.get(0)));
    List<NodeClient> holders = new ArrayList<>(ids.size());
    for (String id : ids) holders.add(byId.get(id));
    return holders;
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
