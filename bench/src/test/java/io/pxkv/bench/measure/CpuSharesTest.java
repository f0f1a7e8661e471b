package io.pxkv.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuSharesTest {
  @Test
  void otherLoadIsBusyTicksNotSpentByServersWrkOrHarnessOverAllTicks() {
    // 2 cores, 10 s at 100 Hz: 2000 ticks; 1800 busy, of which servers 1000, wrk 500, harness 100.
    MachineTicks run = new MachineTicks(1800, 2000);
    assertEquals(10.0, CpuShares.otherLoadPercent(run, 1000, 500, 100), 1e-9);
  }

  @Test
  void otherLoadIsNeverNegative() {
    // The samples are not taken at the same instant: the parts can add up to a little more.
    MachineTicks run = new MachineTicks(1500, 2000);
    assertEquals(0.0, CpuShares.otherLoadPercent(run, 1200, 400, 0), 1e-9);
  }

  @Test
  void otherLoadIsZeroWhenNoTickPassed() {
    assertEquals(0.0, CpuShares.otherLoadPercent(new MachineTicks(0, 0), 0, 0, 0), 1e-9);
  }

  @Test
  void cpuPerRequestIsServerSecondsOverRequestsInMicroseconds() {
    // 500 ticks = 5 s of CPU for 1,000,000 requests: 5 us each.
    assertEquals(5.0, CpuShares.cpuMicrosPerRequest(500, 100, 1_000_000), 1e-9);
  }

  @Test
  void cpuPerRequestIsNotANumberWithoutRequests() {
    assertTrue(Double.isNaN(CpuShares.cpuMicrosPerRequest(500, 100, 0)));
    assertTrue(Double.isNaN(CpuShares.cpuMicrosPerRequest(500, 100, -1)));
  }

  @Test
  void aProcessBusyAllRunLongUsedOneCore() {
    assertEquals(100.0, CpuShares.percentOfOneCore(1000, 100, 10), 1e-9);
    assertEquals(150.0, CpuShares.percentOfOneCore(300, 100, 2), 1e-9);
  }
}
