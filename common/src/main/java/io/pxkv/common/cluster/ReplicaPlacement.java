package io.pxkv.common.cluster;

import io.pxkv.common.ring.ConsistentHashRing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes keep a key: its replica set, the first {@link ClusterConfig#copies} distinct nodes
 * met walking the ring clockwise from the key (its preference list), the owner first. With zones on
 * the nodes, the walk takes a node only if its zone has no replica yet, and fills up with the
 * skipped nodes, in ring order, only when there are fewer zones than copies; a node without a zone
 * counts as a zone of its own.
 *
 * <p>Every arc of the ring has one replica set, computed once here, so a lookup is a hash, a binary
 * search and an array read. Immutable and thread-safe.
 */
public final class ReplicaPlacement {
  private final ConsistentHashRing ring;
  private final int copies;
  private final List<String>[] byToken;

  @SuppressWarnings("unchecked")
  public ReplicaPlacement(ClusterConfig layout, ConsistentHashRing ring) {
    this.ring = ring;
    this.copies = layout.copies();
    Map<String, String> zones = new HashMap<>();
    for (NodeInfo n : layout.nodes())
      zones.put(n.id(), n.zone() == null ? "\0" + n.id() : n.zone());
    int tokens = ring.tokenCount();
    if (copies == 1) {
      this.byToken = null; // the owner alone: nothing to keep per arc
      return;
    }
    this.byToken = new List[tokens];
    // Neighbouring arcs mostly share a set: one list per distinct set keeps a large ring small.
    Map<List<String>, List<String>> distinct = new HashMap<>();
    for (int t = 0; t < tokens; t++) {
      List<String> set = walk(t, zones);
      byToken[t] = distinct.computeIfAbsent(set, k -> k);
    }
  }

  public ReplicaPlacement(ClusterConfig layout) {
    this(layout, layout.ring());
  }

  private List<String> walk(int start, Map<String, String> zones) {
    int tokens = ring.tokenCount();
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    List<String> chosen = new ArrayList<>(copies);
    Set<String> usedZones = new HashSet<>();
    int nodes = zones.size();
    for (int i = 0; i < tokens && chosen.size() < copies && seen.size() < nodes; i++) {
      String id = ring.ownerAt((start + i) % tokens);
      if (!seen.add(id)) continue;
      if (usedZones.add(zones.get(id))) chosen.add(id);
    }
    for (String id : seen) {
      if (chosen.size() >= copies) break;
      if (!chosen.contains(id)) chosen.add(id);
    }
    return List.copyOf(chosen);
  }

  /** The ids of the nodes that keep {@code key}, its owner (first in the walk) first. */
  public List<String> replicasOf(String key) {
    if (byToken == null) return List.of(ring.owner(key));
    return byToken[ring.tokenIndexOf(key)];
  }

  /**
   * The ids of the nodes that do not keep {@code key}, in the order the walk from the key meets
   * them: the rest of its preference list, where a write a replica missed goes as a hint. Walks the
   * ring (not kept per arc): only writes with a replica down ask.
   */
  public List<String> othersOf(String key) {
    List<String> replicas = replicasOf(key);
    int tokens = ring.tokenCount();
    int nodes = ring.nodeIds().size();
    int start = ring.tokenIndexOf(key);
    LinkedHashSet<String> others = new LinkedHashSet<>();
    for (int i = 0; i < tokens && others.size() + replicas.size() < nodes; i++) {
      String id = ring.ownerAt((start + i) % tokens);
      if (!replicas.contains(id)) others.add(id);
    }
    return List.copyOf(others);
  }

  /** The ids of the nodes that keep the keys of the ring's {@code index}-th arc, owner first. */
  public List<String> replicasAt(int index) {
    if (byToken == null) return List.of(ring.ownerAt(index));
    return byToken[index];
  }

  /** Copies of each key. */
  public int copies() {
    return copies;
  }

  /** The distinct replica sets of the ring's arcs (for health: can every key be served?). */
  public Set<List<String>> replicaSets() {
    if (byToken == null) {
      Set<List<String>> single = new HashSet<>();
      for (String id : ring.nodeIds()) single.add(List.of(id));
      return single;
    }
    return new HashSet<>(List.of(byToken));
  }
}
