package io.pxkv.bench.harness;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes one scenario started. Each writes its output to {@code NAME.log} in the results
 * folder; all are stopped (SIGTERM, then SIGKILL after the grace period) when the scenario ends,
 * fails or the harness is interrupted. Their CPU ticks are the "server" side of every measured run.
 */
public final class Processes implements AutoCloseable {
  private final Path logDir;
  private final Duration grace;
  private final List<ManagedProcess> started = new ArrayList<>();

  public Processes(Path logDir, Duration grace) {
    this.logDir = logDir;
    this.grace = grace;
  }

  /** Starts {@code command} with its output in {@code NAME.log}. */
  public synchronized ManagedProcess start(String name, List<String> command) {
    Path log = logDir.resolve(name + ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(log.toFile()))
              .start();
      p.getOutputStream().close();
      ManagedProcess mp = new ManagedProcess(name, p, log);
      started.add(mp);
      Log.info("started " + name + " (pid " + p.pid() + "): " + String.join(" ", command));
      return mp;
    } catch (IOException e) {
      throw new BenchException(
          "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /** CPU ticks so far of each process still running, by pid. */
  public synchronized Map<Long, Long> ticks() {
    Map<Long, Long> ticks = new LinkedHashMap<>();
    for (ManagedProcess p : started) {
      if (p.alive()) {
        ticks.put(p.pid(), p.ticks());
      }
    }
    return ticks;
  }

  public synchronized List<ManagedProcess> list() {
    return List.copyOf(started);
  }

  /** Stops every process still running: all get SIGTERM first, then each is waited for. */
  @Override
  public void close() {
    List<ManagedProcess> toStop;
    synchronized (this) {
      toStop = new ArrayList<>(started);
      started.clear();
    }
    for (ManagedProcess p : toStop) {
      if (p.alive()) {
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
      }
    }
    for (ManagedProcess p : toStop) {
      p.stop(grace);
    }
  }
}
