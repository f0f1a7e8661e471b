package io.pxkv.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcTicksTest {
  static final String PROC_STAT =
      """
      cpu  1000 20 300 5000 40 5 6 7 0 0
      cpu0 500 10 150 2500 20 2 3 3 0 0
      intr 12345
      """;

  @Test
  void machineBusyIsEverythingButIdleAndIowaitAndStealCountsAsBusy() {
    MachineTicks t = MachineTicks.parse(PROC_STAT);
    assertEquals(1000 + 20 + 300 + 5 + 6 + 7, t.busy());
    assertEquals(t.busy() + 5000 + 40, t.total());
  }

  @Test
  void machineDeltaIsTheTicksBetweenTwoSamples() {
    MachineTicks a = new MachineTicks(100, 1000);
    MachineTicks b = new MachineTicks(250, 1400);
    assertEquals(new MachineTicks(150, 400), b.since(a));
  }

  @Test
  void aProcStatWithoutACpuLineIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> MachineTicks.parse("intr 1\n"));
  }

  @Test
  void processFieldsAreCountedFromTheLastParenthesisOfTheName() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime ...; the name holds spaces and parentheses.
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 70 30 9 1 20 0 40 0";
    ProcessTicks t = ProcessTicks.parse(stat);
    assertEquals(100, t.own());
    assertEquals(10, t.waitedChildren());
  }

  @Test
  void theRealProcFilesOfThisMachineParse() {
    MachineTicks m = ProcFs.machine();
    assertTrue(m.total() > 0 && m.busy() > 0 && m.busy() <= m.total());
    ProcessTicks self = ProcFs.self();
    assertTrue(self.own() > 0, "this JVM has used some CPU");
    assertEquals(3, ProcFs.loadAverage().split(" ").length);
  }

  @Test
  void aProcessThatHasGoneHasNoTicks() {
    assertEquals(new ProcessTicks(0, 0), ProcFs.process(Long.MAX_VALUE));
  }
}
