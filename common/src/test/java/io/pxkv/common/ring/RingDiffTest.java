package io.pxkv.common.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RingDiffTest {
  private static final ConsistentHashRing THREE =
      new ConsistentHashRing(List.of("node-1", "node-2", "node-3"), 128);
  private static final ConsistentHashRing FOUR =
      new ConsistentHashRing(List.of("node-1", "node-2", "node-3", "node-4"), 128);

  @Test
  void identicalRingsMoveNothing() {
    assertEquals(List.of(), RingDiff.between(THREE, THREE));
  }

  @Test
  void addingANodeHandsItExactlyItsShare() {
    List<RingDiff.HandOff> moves = RingDiff.between(THREE, FOUR);
    double moved = 0;
    for (RingDiff.HandOff m : moves) {
      assertEquals("node-4", m.to());
      moved += m.range().share();
    }
    assertEquals(FOUR.shares().get("node-4"), moved, 1e-9);
  }

  @Test
  void removingANodeHandsOnlyItsRangesToOthers() {
    List<RingDiff.HandOff> moves = RingDiff.between(FOUR, THREE);
    double moved = 0;
    for (RingDiff.HandOff m : moves) {
      assertEquals("node-4", m.from());
      assertTrue(!m.to().equals("node-4"));
      moved += m.range().share();
    }
    assertEquals(FOUR.shares().get("node-4"), moved, 1e-9);
  }

  @Test
  void everyKeyThatChangesOwnerLiesInAHandOffBetweenItsOwners() {
    List<RingDiff.HandOff> moves = RingDiff.between(THREE, FOUR);
    for (int i = 0; i < 20_000; i++) {
      String key = "k" + i;
      long position = Murmur3.INSTANCE.hash(key);
      RingDiff.HandOff covering =
          moves.stream().filter(m -> m.range().contains(position)).findFirst().orElse(null);
      if (THREE.owner(key).equals(FOUR.owner(key))) {
        assertEquals(null, covering, key);
      } else {
        assertEquals(THREE.owner(key), covering.from(), key);
        assertEquals(FOUR.owner(key), covering.to(), key);
      }
    }
  }

  @Test
  void rangesWrapAroundTheTopOfTheRing() {
    TokenRange wrap = new TokenRange(-10L, 10L);
    assertTrue(wrap.contains(-1L));
    assertTrue(wrap.contains(0L));
    assertTrue(wrap.contains(10L));
    assertTrue(!wrap.contains(-10L));
    assertTrue(!wrap.contains(11L));
    TokenRange high = new TokenRange(10L, -10L);
    assertTrue(high.contains(Long.MAX_VALUE));
    assertTrue(!high.contains(0L));
  }
}
