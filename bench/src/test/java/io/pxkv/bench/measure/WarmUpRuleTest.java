package io.pxkv.bench.measure;

import static io.pxkv.bench.measure.WarmUpRule.Decision.CAP_REACHED;
import static io.pxkv.bench.measure.WarmUpRule.Decision.CONTINUE;
import static io.pxkv.bench.measure.WarmUpRule.Decision.SETTLED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpRuleTest {
  final WarmUpRule rule = new WarmUpRule(3, 12, 90);

  @Test
  void threeWindowsInARowWithinFivePercentSettleOnceTheMinimumIsSpent() {
    // 4 windows = 12 s: the minimum; the last three agree.
    assertEquals(SETTLED, rule.after(List.of(10_000.0, 40_000.0, 41_000.0, 40_500.0)));
  }

  @Test
  void agreeingWindowsBeforeTheMinimumDoNotSettle() {
    // 3 windows = 9 s < 12 s.
    assertEquals(CONTINUE, rule.after(List.of(40_000.0, 40_100.0, 40_200.0)));
  }

  @Test
  void twoAgreeingWindowsAreNotEnough() {
    // A slow ramp: each step under 5% except the first of the three.
    assertEquals(CONTINUE, rule.after(List.of(30_000.0, 33_000.0, 36_000.0, 37_000.0)));
  }

  @Test
  void aStepOfFivePercentOrMoreDoesNotAgree() {
    assertFalse(WarmUpRule.agree(105.0, 100.0));
    assertTrue(WarmUpRule.agree(104.9, 100.0));
    assertTrue(WarmUpRule.agree(95.1, 100.0));
  }

  @Test
  void aWindowWithoutARateAgreesWithNothing() {
    assertEquals(CONTINUE, rule.after(List.of(40_000.0, 40_000.0, Double.NaN, 40_000.0)));
    assertFalse(WarmUpRule.agree(100.0, 0.0));
  }

  @Test
  void theCapEndsAWarmUpThatNeverSettles() {
    List<Double> ramp = new java.util.ArrayList<>();
    for (int i = 0; i < 29; i++) {
      ramp.add(1000.0 * (i % 2 == 0 ? 1 : 2));
    }
    assertEquals(CONTINUE, rule.after(ramp)); // 87 s
    ramp.add(1000.0);
    assertEquals(CAP_REACHED, rule.after(ramp)); // 90 s
  }

  @Test
  void settlingOnTheLastWindowBeforeTheCapCountsAsSettled() {
    WarmUpRule short3 = new WarmUpRule(1, 2, 3);
    assertEquals(SETTLED, short3.after(List.of(100.0, 101.0, 102.0)));
  }

  @Test
  void nonsenseLimitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WarmUpRule(0, 12, 90));
    assertThrows(IllegalArgumentException.class, () -> new WarmUpRule(3, 12, 2));
  }
}
