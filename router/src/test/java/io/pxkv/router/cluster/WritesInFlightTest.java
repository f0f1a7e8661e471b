package io.pxkv.router.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

class WritesInFlightTest {
  @Test
  void drainedWaitsForEveryTrackedWriteAndCanWaitAgainLater() {
    WritesInFlight writes = new WritesInFlight();
    assertTrue(writes.drained().isComplete(), "nothing in flight: drained at once");

    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    writes.track(first.future());
    writes.track(second.future());
    Future<Void> drained = writes.drained();
    first.complete("ok");
    assertFalse(drained.isComplete(), "one write still in flight");
    second.fail("node down");
    assertTrue(drained.succeeded(), "a failed write counts as answered");

    Promise<String> later = Promise.promise();
    writes.track(later.future());
    Future<Void> again = writes.drained();
    assertFalse(again.isComplete(), "a new write is waited for, too");
    later.complete("ok");
    assertTrue(again.succeeded());
  }
}
