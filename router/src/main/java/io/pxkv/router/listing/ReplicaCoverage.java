package io.pxkv.router.listing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a listing, page, export or query may go on without some nodes: only with replicas, in a
 * settled view, and only while every replica set keeps at least the read quorum R of live members.
 * A merge of those members gives each key at its newest acknowledged version, as a read at R would:
 * with R + W > N, the R live replicas of a key include one that has its last acknowledged write or
 * delete. With fewer live replicas of some key, the listing could miss a key or show an older value
 * or a deleted key, so it fails with 503 as a read of that key would. While keys move, a node that
 * cannot be reached still fails the listing: the keys of a layout being drained may be there alone.
 *
 * <p>Nodes the failure detector suspects are not asked at all when leaving all of them out is
 * enough ({@link #suspected}), so a stopped node (no answer, not even a refused connection) costs a
 * listing nothing instead of the router's deadline.
 */
public final class ReplicaCoverage {
  private ReplicaCoverage() {}

  /** Whether {@code view} may be listed from every node but {@code missing} (node ids). */
  public static boolean enough(ClusterView view, Set<String> missing) {
    if (missing.isEmpty()) return true;
    if (!view.replicated() || view.moving()) return false;
    return enough(view.replicas().replicaSets(), view.config().readQuorum(), missing);
  }

  /**
   * Whether every one of {@code replicaSets} has {@code readQuorum} members not in {@code missing}.
   */
  static boolean enough(Set<List<String>> replicaSets, int readQuorum, Set<String> missing) {
    for (List<String> set : replicaSets) {
      int live = 0;
      for (String id : set) {
        if (!missing.contains(id)) live++;
      }
      if (live < readQuorum) return false;
    }
    return true;
  }

  /**
   * The nodes of {@code view} a listing or query need not ask: those {@code detector} suspects, if
   * leaving all of them out is {@link #enough}; else none (each is asked, and its answer decides).
   */
  public static Set<String> suspected(ClusterView view, FailureDetector detector) {
    if (detector == null || !view.replicated() || view.moving()) return Set.of();
    Set<String> out = new HashSet<>();
    for (NodeClient c : view.clients()) {
      if (detector.suspected(c.node().id())) out.add(c.node().id());
    }
    return out.isEmpty() || enough(view, out) ? out : Set.of();
  }

  /** What a call not made to a suspected {@code node} stands for: the node is unavailable. */
  public static KvException notAsked(NodeClient node) {
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "node " + node.node().id() + " (" + node.node().url() + ") is suspected down: not asked");
  }
}
