package io.pxkv.common.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the copies of a key are and go while a cluster that keeps more than one copy of some key
 * moves: its replica set under the settled layout and under every layout since, the last one being
 * the target that writes go to ({@link ReplicaPlacement} per layout).
 *
 * <p>Writes land only on the replica set of the view's target, and a move copies a key to every
 * member of its target set before a node outside that set lets it go, so while keys move a copy of
 * a key may be on any member of any of its sets ({@link #holdersOf}), and nowhere else. A key whose
 * sets are all the same ({@link #changed} false) is read and written as in a settled cluster.
 *
 * <p>Only made for views in which some layout keeps more than one copy ({@link #of}); single-copy
 * moves keep {@link ClusterState.Placement}. Immutable and thread-safe; built once per view.
 */
public final class ReplicaMoves {
  private final List<ReplicaPlacement> layouts;
  private final List<Integer> readQuorums;

  private ReplicaMoves(List<ReplicaPlacement> layouts, List<Integer> readQuorums) {
    this.layouts = List.copyOf(layouts);
    this.readQuorums = List.copyOf(readQuorums);
  }

  /**
   * The replica sets of {@code state}'s layouts, or null when it is settled or every layout keeps a
   * single copy (then {@link ClusterState.Placement#holdersOf} says it all).
   */
  public static ReplicaMoves of(ClusterState state) {
    if (!state.moving()) return null;
    boolean replicated = state.settled().copies() > 1;
    for (ClusterConfig l : state.layouts()) replicated |= l.copies() > 1;
    if (!replicated) return null;
    ClusterState.Placement placement = state.placement();
    List<ReplicaPlacement> sets = new ArrayList<>();
    List<Integer> quorums = new ArrayList<>();
    sets.add(new ReplicaPlacement(state.settled(), placement.rings().get(0)));
    quorums.add(state.settled().readQuorum());
    for (int i = 0; i < state.layouts().size(); i++) {
      sets.add(new ReplicaPlacement(state.layouts().get(i), placement.rings().get(i + 1)));
      quorums.add(state.layouts().get(i).readQuorum());
    }
    return new ReplicaMoves(sets, quorums);
  }

  /** The key's replica set in the target, owner first. */
  public List<String> targetSet(String key) {
    return layouts.get(layouts.size() - 1).replicasOf(key);
  }

  /** The key's replica set in each layout: the settled one first, the target last. */
  public List<List<String>> setsOf(String key) {
    List<List<String>> sets = new ArrayList<>(layouts.size());
    for (ReplicaPlacement p : layouts) sets.add(p.replicasOf(key));
    return sets;
  }

  /**
   * How many members of each of {@link #setsOf} a read must hear from, for a read asking {@code r}
   * of the target's set: {@code r} there, each earlier layout's own read quorum in its set (its
   * writes were acknowledged by its write quorum).
   */
  public List<Integer> quorums(int r) {
    List<Integer> out = new ArrayList<>(readQuorums.size());
    for (int i = 0; i < readQuorums.size() - 1; i++) out.add(readQuorums.get(i));
    out.add(r);
    return out;
  }

  /** Whether the key's replica set is not the same in every layout: its copies move. */
  public boolean changed(String key) {
    Set<String> target = Set.copyOf(targetSet(key));
    for (int i = 0; i < layouts.size() - 1; i++) {
      List<String> set = layouts.get(i).replicasOf(key);
      if (set.size() != target.size() || !target.containsAll(set)) return true;
    }
    return false;
  }

  /**
   * Every node that may hold a copy of {@code key}: its target set in order, then the members of
   * earlier sets that are not in it, each once.
   */
  public List<String> holdersOf(String key) {
    LinkedHashSet<String> all = new LinkedHashSet<>(targetSet(key));
    for (int i = layouts.size() - 2; i >= 0; i--) all.addAll(layouts.get(i).replicasOf(key));
    return List.copyOf(all);
  }

  /**
   * The members of the key's target set that were not in its set under every earlier layout: they
   * may lack writes made before they joined it, so the holders of the key copy it to them.
   */
  public List<String> gained(String key) {
    List<String> out = new ArrayList<>();
    for (String id : targetSet(key)) {
      for (int i = 0; i < layouts.size() - 1; i++) {
        if (!layouts.get(i).replicasOf(key).contains(id)) {
          out.add(id);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Where node {@code self} sends its copy of {@code key} in a move: every member of the target set
   * when it is not one (then it hands the key off after every one stored it, so the key never has
   * fewer copies than before), else the members that gained the key; empty when the key's sets did
   * not change.
   */
  public List<String> destinations(String key, String self) {
    if (!changed(key)) return List.of();
    List<String> target = targetSet(key);
    List<String> to = new ArrayList<>(target.contains(self) ? gained(key) : target);
    to.remove(self);
    return to;
  }

  /** Whether node {@code self} keeps {@code key} in the target (else it hands it off). */
  public boolean keeps(String key, String self) {
    return targetSet(key).contains(self);
  }
}
