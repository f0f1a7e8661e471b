package io.pxkv.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The coordinator lease on an injected clock: one holder at a time, renewal, end, release. */
class CoordinatorLeaseTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final CoordinatorLease lease = new CoordinatorLease(now::get);

  private void advanceMs(long ms) {
    now.addAndGet(ms * 1_000_000L);
  }

  @Test
  void oneRouterHoldsItUntilItRunsOutAndOnlyItsHolderPassesTheFence() {
    assertTrue(lease.admits(null), "nobody holds it: a call naming no router passes");
    assertTrue(lease.take("r1", 3000).granted());
    CoordinatorLease.Answer other = lease.take("r2", 3000);
    assertFalse(other.granted());
    assertEquals("r1", other.holder());
    assertEquals(3000, other.remainingMs());
    assertTrue(lease.admits("r1"));
    assertFalse(lease.admits("r2"));
    assertFalse(lease.admits(null));

    advanceMs(2000);
    assertTrue(lease.take("r1", 3000).granted(), "renewed by its holder");
    advanceMs(2999);
    assertFalse(lease.take("r2", 3000).granted(), "the renewal counts from when it came");
    assertEquals("r1", lease.liveHolder());

    advanceMs(1);
    assertNull(lease.liveHolder());
    assertTrue(lease.admits("r2"), "a lease that ran out fences nobody");
    assertTrue(lease.take("r2", 3000).granted());
    assertFalse(lease.admits("r1"), "the former holder is fenced");
  }

  @Test
  void aReleasedLeaseGoesToTheNextAskerAndOnlyItsHolderCanReleaseIt() {
    lease.take("r1", 3000);
    lease.release("r2");
    assertEquals("r1", lease.liveHolder());
    lease.release("r1");
    assertNull(lease.liveHolder());
    assertTrue(lease.take("r2", 3000).granted());
  }
}
