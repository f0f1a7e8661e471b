package io.pxkv.router.rebalance;

import io.pxkv.common.kv.KeyOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * How far each node has pushed its strays to their owners in the current move: every node walks its
 * keys in order, and once a push call returns, every stray of that node up to the key it returned
 * sits on its owner. A read of a key its old node has already pushed needs only the owner, the way
 * it would with nothing moving; only keys not pushed yet are asked of both.
 *
 * <p>Within one view no key becomes a stray anew (writes and moves go to owners only), so a node's
 * walk never has to look back. Thread-safe: the mover publishes a new snapshot after every push
 * call; router event loops read the latest one.
 */
public final class MovedKeys {
  /** Pushed up to and including {@code upTo} (null: nothing yet); {@code done} when walked all. */
  private record Progress(String upTo, boolean done) {}

  private record Snapshot(long epoch, Map<String, Progress> byNode) {}

  private volatile Snapshot snapshot = new Snapshot(-1, Map.of());

  /** A new move of view {@code epoch} starts: nothing of it pushed yet. */
  public synchronized void start(long epoch) {
    snapshot = new Snapshot(epoch, Map.of());
  }

  /** Node {@code nodeId} pushed its strays up to {@code upTo}, or all of them ({@code null}). */
  public synchronized void pushedUpTo(long epoch, String nodeId, String upTo) {
    Snapshot s = snapshot;
    if (s.epoch != epoch) return;
    Map<String, Progress> next = new HashMap<>(s.byNode);
    next.put(nodeId, new Progress(upTo, upTo == null));
    snapshot = new Snapshot(epoch, Map.copyOf(next));
  }

  /** Whether node {@code nodeId} has certainly pushed {@code key} away, in view {@code epoch}. */
  public boolean isPushed(long epoch, String nodeId, String key) {
    Snapshot s = snapshot;
    if (s.epoch != epoch) return false;
    Progress p = s.byNode.get(nodeId);
    if (p == null) return false;
    return p.done || (p.upTo != null && KeyOrder.compare(key, p.upTo) <= 0);
  }
}
