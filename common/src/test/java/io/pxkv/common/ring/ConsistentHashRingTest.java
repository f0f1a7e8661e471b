package io.pxkv.common.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsistentHashRingTest {
  private static final List<String> THREE = List.of("node-1", "node-2", "node-3");
  private static final List<String> FOUR = List.of("node-1", "node-2", "node-3", "node-4");

  private final ConsistentHashRing ring = new ConsistentHashRing(THREE, 128);

  /** If this table changes, every deployed cluster's keys are suddenly on the wrong node. */
  @ParameterizedTest(name = "{0} belongs to {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "alpha|node-1",
        "beta|node-3",
        "gamma|node-2",
        "delta|node-3",
        "user:1|node-3",
        "user:2|node-3",
        "🚀|node-2",
        "a/b?c d|node-1"
      })
  void ownersOfKnownKeysNeverChange(String key, String owner) {
    assertEquals(owner, ring.owner(key));
  }

  @Test
  void keysSpreadEvenlyOverThreeNodes() {
    Map<String, Integer> counts = new HashMap<>();
    Random random = new Random(20240611L);
    for (int i = 0; i < 100_000; i++) {
      counts.merge(ring.owner("key-" + random.nextLong()), 1, Integer::sum);
    }
    int max = counts.values().stream().max(Integer::compare).orElseThrow();
    int min = counts.values().stream().min(Integer::compare).orElseThrow();
    assertEquals(3, counts.size());
    assertTrue(max < 1.25 * min, "largest " + max + " vs smallest " + min + ": " + counts);
  }

  @Test
  void sharesOfTheHashSpaceSumToOneAndMatchTheKeys() {
    Map<String, Double> shares = ring.shares();
    assertEquals(THREE, List.copyOf(shares.keySet()));
    assertEquals(1.0, shares.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    shares.values().forEach(s -> assertTrue(s > 0.25 && s < 0.42, "share " + s));
  }

  @Test
  void addingANodeMovesKeysOnlyToIt() {
    ConsistentHashRing bigger = new ConsistentHashRing(FOUR, 128);
    int moved = 0;
    int keys = 100_000;
    for (int i = 0; i < keys; i++) {
      String key = "k" + i;
      String before = ring.owner(key);
      String after = bigger.owner(key);
      if (!before.equals(after)) {
        moved++;
        assertEquals("node-4", after, key + " moved from " + before + " to " + after);
      }
    }
    double fraction = moved / (double) keys;
    assertTrue(fraction >= 0.20 && fraction <= 0.30, "moved " + fraction);
  }

  @Test
  void preferenceListNamesDistinctNodesOwnerFirst() {
    for (int i = 0; i < 1_000; i++) {
      String key = "pref-" + i;
      List<String> list = ring.preferenceList(key, 3);
      assertEquals(3, list.size());
      assertEquals(3, new HashSet<>(list).size());
      assertEquals(ring.owner(key), list.get(0));
    }
  }

  @Test
  void preferenceListIsCappedAtTheNumberOfNodes() {
    assertEquals(3, ring.preferenceList("x", 5).size());
    assertEquals(List.of(ring.owner("x")), ring.preferenceList("x", 1));
  }

  @Test
  void aSingleNodeOwnsEverything() {
    ConsistentHashRing one = new ConsistentHashRing(List.of("solo"), 4);
    assertEquals("solo", one.owner("anything"));
    assertEquals(1.0, one.shares().get("solo"), 1e-9);
  }

  @Test
  void ringsBuiltFromEqualInputsAgree() {
    ClusterConfig config =
        new ClusterConfig(
            128,
            List.of(
                NodeInfo.of("node-1", "127.0.0.1", 9001),
                NodeInfo.of("node-2", "127.0.0.1", 9002),
                NodeInfo.of("node-3", "127.0.0.1", 9003)));
    ConsistentHashRing fromConfig = config.ring();
    for (int i = 0; i < 1_000; i++) {
      assertEquals(ring.owner("k" + i), fromConfig.owner("k" + i));
    }
  }

  @Test
  void duplicateNodeIdsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new ConsistentHashRing(List.of("a", "a"), 8));
  }
}
