package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {
  @TempDir Path logs;

  @Test
  void closingStopsEveryProcessStartedAndKeepsTheirOutput() throws Exception {
    ManagedProcess a;
    ManagedProcess b;
    try (Processes p = new Processes(logs, Duration.ofSeconds(10))) {
      a = p.start("a", List.of("sh", "-c", "echo started a; exec sleep 60"));
      b = p.start("b", List.of("sleep", "60"));
      assertTrue(a.alive() && b.alive());
      assertEquals(2, p.list().size());
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!a.logText().contains("started a") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertFalse(a.alive());
    assertFalse(b.alive());
    assertEquals("started a", Files.readString(logs.resolve("a.log")).strip());
    assertEquals("started a", a.lastLogLine());
  }

  @Test
  void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    try (Processes p = new Processes(logs, Duration.ofMillis(300))) {
      ManagedProcess stubborn =
          p.start(
              "stubborn",
              List.of("sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 0.05; done"));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!stubborn.logText().contains("trapped") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Duration took = stubborn.stop(Duration.ofMillis(300));
      assertFalse(stubborn.alive());
      assertTrue(took.toMillis() >= 300, "waited the grace period first: " + took);
    }
  }

  @Test
  void ticksAreReadForRunningProcessesOnly() throws Exception {
    try (Processes p = new Processes(logs, Duration.ofSeconds(10))) {
      ManagedProcess busy = p.start("busy", List.of("sh", "-c", "while :; do :; done"));
      ManagedProcess gone = p.start("gone", List.of("true"));
      gone.stop(Duration.ofSeconds(5));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (p.ticks().getOrDefault(busy.pid(), 0L) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(p.ticks().get(busy.pid()) > 0, "a busy loop uses CPU");
      assertFalse(p.ticks().containsKey(gone.pid()));
    }
  }

  @Test
  void aCommandThatCannotStartFailsTheScenarioWithItsName() {
    try (Processes p = new Processes(logs, Duration.ofSeconds(1))) {
      BenchException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              BenchException.class,
              () -> p.start("ghost", List.of(logs.resolve("no-such-program").toString())));
      assertTrue(e.getMessage().startsWith("cannot start ghost"), e.getMessage());
    }
  }
}
