package io.pxkv.router.rebalance;

import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.ring.RingDiff;
import io.pxkv.common.ring.RingDiff.HandOff;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ring change moves: the arcs of the ring that change hands, grouped by giver and taker,
 * with the share of the hash space each pair moves. Pure data, computed by {@link #between} and
 * acted on by {@link Rebalancer}; a replicated ring will produce the same kind of hand-offs (one
 * per replica that changes), so the mover does not change with it.
 *
 * @param handOffs every arc whose owner changes, clockwise
 * @param moves one entry per (from, to) pair, in first-seen order
 */
public record RebalancePlan(List<HandOff> handOffs, List<Move> moves) {

  /** All arcs going from one node to another, and the fraction of the ring they cover. */
  public record Move(String from, String to, int ranges, double share) {}

  public RebalancePlan {
    handOffs = List.copyOf(handOffs);
    moves = List.copyOf(moves);
  }

  public static RebalancePlan between(ConsistentHashRing before, ConsistentHashRing after) {
    List<HandOff> handOffs = RingDiff.between(before, after);
    Map<String, Move> byPair = new LinkedHashMap<>();
    for (HandOff h : handOffs) {
      String pair = h.from() + "\u0000" + h.to();
      Move m = byPair.get(pair);
      byPair.put(
          pair,
          m == null
              ? new Move(h.from(), h.to(), 1, h.range().share())
              : new Move(m.from(), m.to(), m.ranges() + 1, m.share() + h.range().share()));
    }
    return new RebalancePlan(handOffs, new ArrayList<>(byPair.values()));
  }

  public boolean isEmpty() {
    return handOffs.isEmpty();
  }

  /** The share of the whole ring that changes owner. */
  public double movedShare() {
    double total = 0;
    for (Move m : moves) total += m.share();
    return total;
  }

  /**
   * The keys expected to move, given each giver's key count and the share of the ring it owned
   * before: keys on an arc are assumed spread like the hash, evenly.
   */
  public long estimatedKeys(Map<String, Long> keysPerNode, Map<String, Double> shareBefore) {
    double keys = 0;
    for (Move m : moves) {
      long onGiver = keysPerNode.getOrDefault(m.from(), 0L);
      double giverShare = shareBefore.getOrDefault(m.from(), 0.0);
      if (giverShare > 0) keys += onGiver * (m.share() / giverShare);
    }
    return Math.round(keys);
  }

  /** One line per move, for the log: {@code node-1 -> node-4: 37 ranges, 8.3% of the ring}. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Move m : moves) {
      lines.add(
          String.format(
              "%s -> %s: %d ranges, %.1f%% of the ring",
              m.from(), m.to(), m.ranges(), m.share() * 100));
    }
    return lines;
  }

  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    for (Move m : moves) {
      out.add(
          new JsonObject()
              .put("from", m.from())
              .put("to", m.to())
              .put("ranges", m.ranges())
              .put("share", m.share()));
    }
    return out;
  }
}
