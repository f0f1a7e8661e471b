package io.pxkv.bench.harness;

import io.pxkv.bench.measure.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server the harness started: its name (which names its log file in the results folder), the
 * process, and how to stop it. Stopping sends SIGTERM and waits; a process still there after the
 * grace period gets SIGKILL.
 */
public final class ManagedProcess {
  private final String name;
  private final Process process;
  private final Path log;

  ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** CPU clock ticks it has used so far (0 once it has gone). */
  public long ticks() {
    return alive() ? ProcFs.process(pid()).own() : 0;
  }

  /**
   * Sends SIGTERM and waits for the exit, SIGKILL after {@code grace}; returns how long it took to
   * exit. A process already gone returns at once.
   */
  public Duration stop(Duration grace) {
    long t0 = System.nanoTime();
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          Log.info(
              name
                  + " (pid "
                  + pid()
                  + ") ignored SIGTERM for "
                  + grace.toMillis()
                  + " ms, killing it");
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * Sends SIGKILL (a crash: no shutdown hook, nothing flushed) and waits up to 10 s for the exit;
   * returns how long it took.
   */
  public Duration kill() {
    long t0 = System.nanoTime();
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** The last line of its log that is not a stack frame: why it stopped, usually. */
  public String lastLogLine() {
    try {
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (!line.isEmpty() && !line.startsWith("at ") && !line.startsWith("...")) {
          return line;
        }
      }
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
    return "(empty log)";
  }

  /** The log's text so far ("" if none). */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
