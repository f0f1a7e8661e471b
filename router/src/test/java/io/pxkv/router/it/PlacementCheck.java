package io.pxkv.router.it;

import io.pxkv.common.ring.ConsistentHashRing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where keys physically are, judged against a model: every key that exists is on its owner (by the
 * ring) with an allowed value and on no other node, every deleted key is on no node, and no node
 * has a key the model does not know. Works on listings taken straight from the nodes.
 */
final class PlacementCheck {
  private PlacementCheck() {}

  /**
   * Judges {@code listings} (node id -> key -> value) against {@code model} for the keys {@code
   * model} holds; counts go to {@code tally} under {@code prefix}. Returns the number of problems.
   */
  static long check(
      String prefix,
      Map<String, Map<String, String>> listings,
      ConsistentHashRing ring,
      Map<String, Expectation> model,
      boolean unknownKeysAreProblems,
      Tally tally) {
    long before = tally.problems();
    for (Map.Entry<String, Expectation> entry : model.entrySet()) {
      String key = entry.getKey();
      Expectation e = entry.getValue();
      String owner = ring.owner(key);
      List<String> on = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> node : listings.entrySet()) {
        if (node.getValue().containsKey(key)) on.add(node.getKey());
      }
      tally.count(prefix + " keys checked");
      String where = key + " (owner " + owner + ", expected " + e + ")";
      if (on.isEmpty()) {
        if (e.mustExist()) tally.problem(prefix + " lost: on no node", where);
        continue;
      }
      if (e.mustBeAbsent()) {
        tally.problem(prefix + " deleted key back", where + " is on " + on);
        continue;
      }
      if (!on.contains(owner)) {
        tally.problem(prefix + " missing from its owner, on another node", where + " is on " + on);
      } else if (on.size() > 1) {
        tally.problem(prefix + " extra copies on non-owners", where + " is on " + on);
      }
      for (String node : on) {
        String value = listings.get(node).get(key);
        if (!e.allows(value)) {
          tally.problem(prefix + " wrong value", where + " has " + value + " on " + node);
        }
      }
    }
    if (unknownKeysAreProblems) {
      for (Map.Entry<String, Map<String, String>> node : listings.entrySet()) {
        for (String key : node.getValue().keySet()) {
          if (!model.containsKey(key))
            tally.problem(prefix + " unknown key", key + " on " + node.getKey());
        }
      }
    }
    return tally.problems() - before;
  }
}
