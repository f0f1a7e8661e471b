package io.pxkv.common.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.ring.Murmur3;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingBucketsTest {
  /** Three arcs: (300, 100] wrapping past the top, (100, 200], (200, 300]. */
  private static final long[] TOKENS = {100, 200, 300};

  @Test
  void aTokenEndsItsArcAndThePositionAfterItStartsTheNext() {
    RingBuckets b = new RingBuckets(TOKENS, 2);
    assertEquals(1, b.arcOf(101));
    assertEquals(0, b.arcOf(100));
    assertEquals(1, b.arcOf(200));
    assertEquals(2, b.arcOf(201));
    assertEquals(2, b.arcOf(300));
    assertEquals(0, b.arcOf(301), "past the last token: the arc that wraps");
    assertEquals(0, b.arcOf(-1), "the top of the unsigned range");
    assertEquals(0, b.arcOf(0));
  }

  @Test
  void subRangesCutAnArcIntoEqualPartsFromJustAfterItsStartToItsEnd() {
    RingBuckets b = new RingBuckets(TOKENS, 2); // arc 1 = (100, 200]: 100 positions, 4 of 25
    assertEquals(4 + 0, b.bucketOf(101));
    assertEquals(4 + 0, b.bucketOf(125));
    assertEquals(4 + 1, b.bucketOf(126));
    assertEquals(4 + 2, b.bucketOf(151));
    assertEquals(4 + 3, b.bucketOf(176));
    assertEquals(4 + 3, b.bucketOf(200), "the token itself is the arc's last bucket");
    assertEquals(8 + 0, b.bucketOf(201));
    // The wrapping arc (300, 100] has 2^64 - 200 positions: its quarters end near 2^62 steps.
    assertEquals(0, b.bucketOf(301));
    assertEquals(3, b.bucketOf(100));
    assertEquals(3, b.bucketOf(99));
    long quarter = Long.divideUnsigned(-200L - 1, 4) + 1;
    assertEquals(0, b.bucketOf(300 + quarter));
    assertEquals(1, b.bucketOf(300 + quarter + 1));
  }

  @Test
  void everyPositionFallsInABucketOfItsOwnArc() {
    Random random = new Random(7);
    ConsistentHashRing ring = new ConsistentHashRing(List.of("a", "b", "c"), 16);
    RingBuckets b = new RingBuckets(ring.tokens(), 4);
    assertEquals(ring.tokenCount() * 16, b.count());
    for (int i = 0; i < 100_000; i++) {
      String key = "k" + random.nextInt();
      long position = Murmur3.INSTANCE.hash(key);
      int bucket = b.bucketOf(position);
      assertTrue(bucket >= 0 && bucket < b.count(), key);
      assertEquals(ring.tokenIndexOf(key), b.arcOfBucket(bucket), key);
    }
  }

  @Test
  void aRingOfOneTokenIsOneArcOfTheWholeRing() {
    RingBuckets b = new RingBuckets(new long[] {0}, 1);
    assertEquals(0, b.bucketOf(1));
    assertEquals(0, b.bucketOf(Long.MAX_VALUE));
    assertEquals(1, b.bucketOf(Long.MIN_VALUE + 1));
    assertEquals(1, b.bucketOf(0), "the token ends the arc");
  }

  @Test
  void badTokensOrBitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RingBuckets(new long[0], 1));
    assertThrows(IllegalArgumentException.class, () -> new RingBuckets(new long[] {2, 1}, 1));
    assertThrows(IllegalArgumentException.class, () -> new RingBuckets(new long[] {1, 1}, 1));
    assertThrows(IllegalArgumentException.class, () -> new RingBuckets(TOKENS, 9));
    assertNotEquals(new RingBuckets(TOKENS, 1), new RingBuckets(TOKENS, 2));
  }
}
