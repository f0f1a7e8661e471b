package io.pxkv.common.cluster;

import io.pxkv.common.ring.ConsistentHashRing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every node of a cluster keeps of its membership, and what a router routes by: one view of
 * the cluster, numbered by its {@code epoch}.
 *
 * <p>{@code settled} is the last layout on which every key sat on its owner. {@code layouts} are
 * the layouts asked for since then, oldest first; the last one is the {@link #target} that routes
 * writes. Keys only ever land on their owner of the moment (writes) or on their owner in the target
 * (moves), so while {@code layouts} is not empty a key may be on its owner under {@code settled} or
 * under any of {@code layouts}, and nowhere else: {@link #holdersOf}. Once every holder has handed
 * its keys to their owners in the target, a new view with {@code settled = target} and no layouts
 * takes over.
 *
 * <p>{@code floor}: every node raised its version clock to at least this before it took a write of
 * this view, so every write of this view has a larger version than any write of an earlier one.
 *
 * <p>Immutable; the rings are built once, on first use.
 *
 * @param clusterId the cluster's id: nodes and states of another cluster are refused
 * @param epoch the view's number; a newer view has a larger one
 * @param settled the last layout with every key on its owner (without cluster id)
 * @param layouts the layouts asked for since, oldest first (without cluster id)
 * @param floor the smallest version a write of this view may get, less one
 */
public record ClusterState(
    String clusterId, long epoch, ClusterConfig settled, List<ClusterConfig> layouts, long floor) {

  public ClusterState {
    settled = settled.layout();
    List<ClusterConfig> plain = new ArrayList<>(layouts.size());
    for (ClusterConfig l : layouts) plain.add(l.layout());
    layouts = List.copyOf(plain);
  }

  /** The first view of a cluster: {@code layout} settled. */
  public static ClusterState first(String clusterId, ClusterConfig layout) {
    return new ClusterState(clusterId, 1, layout, List.of(), 0);
  }

  /** The layout that routes writes and that keys move to. */
  public ClusterConfig target() {
    return layouts.isEmpty() ? settled : layouts.get(layouts.size() - 1);
  }

  /** Whether keys may be away from their owner in {@link #target}. */
  public boolean moving() {
    return !layouts.isEmpty();
  }

  /** The next view, moving toward {@code next} (a no-op move when it is the target already). */
  public ClusterState toward(ClusterConfig next, long newEpoch) {
    ClusterConfig plain = next.layout();
    if (!plain.equals(target()) && plain.withIndexes(target().indexes()).equals(target())) {
      // Only the indexes changed: no key changes hands, so the new indexes replace the target's
      // in place (every node then indexes by the view), with no move.
      if (layouts.isEmpty()) return new ClusterState(clusterId, newEpoch, plain, layouts, 0);
      List<ClusterConfig> same = new ArrayList<>(layouts);
      same.set(same.size() - 1, plain);
      return new ClusterState(clusterId, newEpoch, settled, same, 0);
    }
    List<ClusterConfig> more = new ArrayList<>(layouts);
    if (!next.layout().equals(target())) more.add(next);
    return new ClusterState(clusterId, newEpoch, settled, more, 0);
  }

  /** The next view, once every key is on its owner in the target. */
  public ClusterState settledView(long newEpoch) {
    return new ClusterState(clusterId, newEpoch, target(), List.of(), 0);
  }

  /** This view with its floor. */
  public ClusterState withFloor(long newFloor) {
    return new ClusterState(clusterId, epoch, settled, layouts, newFloor);
  }

  /**
   * Every node that may hold keys: the target's nodes in their order, then nodes of earlier layouts
   * that are no longer in it.
   */
  public List<NodeInfo> holders() {
    Map<String, NodeInfo> all = new LinkedHashMap<>();
    for (NodeInfo n : target().nodes()) all.put(n.id(), n);
    for (NodeInfo n : settled.nodes()) all.putIfAbsent(n.id(), n);
    for (ClusterConfig l : layouts) {
      for (NodeInfo n : l.nodes()) all.putIfAbsent(n.id(), n);
    }
    return List.copyOf(all.values());
  }

  /** The node with this id among the {@link #holders}, or null. */
  public NodeInfo holder(String id) {
    for (NodeInfo n : holders()) {
      if (n.id().equals(id)) return n;
    }
    return null;
  }

  /** The rings of {@link #settled} and every layout, for {@link Placement}. */
  public Placement placement() {
    List<ConsistentHashRing> rings = new ArrayList<>(layouts.size() + 1);
    rings.add(settled.ring());
    for (ClusterConfig l : layouts) rings.add(l.ring());
    return new Placement(rings);
  }

  /**
   * Where keys are and go under one state: built once per state, thread-safe.
   *
   * @param rings the settled layout's ring, then each layout's, oldest first
   */
  public record Placement(List<ConsistentHashRing> rings) {
    /** The key's owner in the target. */
    public String owner(String key) {
      return rings.get(rings.size() - 1).owner(key);
    }

    /**
     * The ids of the nodes that may hold {@code key}: its owner in the target first, then its
     * owners in earlier layouts, each once. One id when the key has not changed hands since the
     * cluster settled.
     */
    public List<String> holdersOf(String key) {
      String owner = owner(key);
      List<String> ids = null;
      for (int i = rings.size() - 2; i >= 0; i--) {
        String earlier = rings.get(i).owner(key);
        if (earlier.equals(owner) || (ids != null && ids.contains(earlier))) continue;
        if (ids == null) {
          ids = new ArrayList<>(rings.size());
          ids.add(owner);
        }
        ids.add(earlier);
      }
      return ids == null ? List.of(owner) : ids;
    }

    /** How many layouts the key may be spread over: 1 when nothing moves. */
    public int layoutCount() {
      return rings.size();
    }
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (ClusterConfig l : layouts) list.add(l.toJson());
    return new JsonObject()
        .put("clusterId", clusterId)
        .put("epoch", epoch)
        .put("settled", settled.toJson())
        .put("layouts", list)
        .put("floor", floor);
  }

  /**
   * A stored layout as a cluster file's text: one that does not name its replicas was stored when
   * every layout that did not say kept one copy (cluster files now default to more).
   */
  private static String stored(JsonObject layout) {
    if (layout.containsKey("replicas")) return layout.encode();
    return layout.copy().put("replicas", 1).encode();
  }

  /**
   * Reads a state written by {@link #toJson}; {@code source} names it in errors.
   *
   * @throws ConfigException naming every problem
   */
  public static ClusterState fromJson(JsonObject json, String source) {
    List<String> problems = new ArrayList<>();
    String id = json.getValue("clusterId") instanceof String s ? s : null;
    if (!ClusterConfig.isValidClusterId(id)) {
      problems.add(
          "clusterId: must be a valid cluster id (was " + json.getValue("clusterId") + ")");
    }
    long epoch = longField(json, "epoch", problems);
    long floor = longField(json, "floor", problems);
    ClusterConfig settled = null;
    List<ClusterConfig> layouts = new ArrayList<>();
    try {
      Object s = json.getValue("settled");
      if (!(s instanceof JsonObject settledJson)) {
        problems.add("settled: must be a cluster layout");
      } else {
        settled = ClusterConfig.fromJson(stored(settledJson), source + " settled");
      }
      Object raw = json.getValue("layouts");
      if (!(raw instanceof JsonArray array)) {
        problems.add("layouts: must be a list of cluster layouts");
      } else {
        for (int i = 0; i < array.size(); i++) {
          if (!(array.getValue(i) instanceof JsonObject layout)) {
            problems.add("layouts[" + i + "]: must be a cluster layout");
            continue;
          }
          layouts.add(ClusterConfig.fromJson(stored(layout), source + " layouts[" + i + "]"));
        }
      }
    } catch (ConfigException e) {
      problems.add(e.oneLine());
    }
    if (!problems.isEmpty()) throw new ConfigException(source, problems);
    return new ClusterState(id, epoch, settled, layouts, floor);
  }

  private static long longField(JsonObject json, String name, List<String> problems) {
    Object raw = json.getValue(name);
    if (raw instanceof Integer || raw instanceof Long) {
      long v = ((Number) raw).longValue();
      if (v >= 0) return v;
    }
    problems.add(name + ": must be a whole number >= 0 (was " + raw + ")");
    return 0;
  }

  /** "epoch 7, [node-1, node-2] -> [node-1, node-2, node-4]", for logs. */
  public String describe() {
    StringBuilder s = new StringBuilder("epoch ").append(epoch).append(", ");
    s.append(ids(settled));
    for (ClusterConfig l : layouts) s.append(" -> ").append(ids(l));
    return s.toString();
  }

  private static List<String> ids(ClusterConfig c) {
    return c.nodes().stream().map(NodeInfo::id).toList();
  }
}
