package io.pxkv.router.rebalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.ring.ConsistentHashRing;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalancePlanTest {
  private static ConsistentHashRing ring(String... ids) {
    return new ConsistentHashRing(List.of(ids), 128);
  }

  @Test
  void theSameRingMovesNothing() {
    RebalancePlan plan = RebalancePlan.between(ring("a", "b", "c"), ring("a", "b", "c"));
    assertTrue(plan.isEmpty());
    assertEquals(0.0, plan.movedShare());
    assertEquals(0, plan.estimatedKeys(Map.of("a", 100L), Map.of("a", 0.33)));
  }

  @Test
  void addingANodeMovesAboutAQuarterOfTheRingAllToIt() {
    RebalancePlan plan = RebalancePlan.between(ring("a", "b", "c"), ring("a", "b", "c", "d"));
    assertEquals(3, plan.moves().size(), plan.describe().toString());
    for (RebalancePlan.Move m : plan.moves()) {
      assertEquals("d", m.to());
      assertTrue(m.ranges() > 10);
    }
    assertTrue(plan.movedShare() > 0.18 && plan.movedShare() < 0.32, "moved " + plan.movedShare());
    long estimate =
        plan.estimatedKeys(
            Map.of("a", 1000L, "b", 1000L, "c", 1000L), ring("a", "b", "c").shares());
    assertTrue(estimate > 550 && estimate < 950, "estimate " + estimate);
  }

  @Test
  void removingANodeMovesExactlyItsShareAwayFromIt() {
    ConsistentHashRing before = ring("a", "b", "c", "d");
    RebalancePlan plan = RebalancePlan.between(before, ring("a", "b", "c"));
    for (RebalancePlan.Move m : plan.moves()) assertEquals("d", m.from());
    assertEquals(before.shares().get("d"), plan.movedShare(), 1e-9);
    assertEquals(1000, plan.estimatedKeys(Map.of("d", 1000L), before.shares()));
  }
}
