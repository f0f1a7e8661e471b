package io.pxkv.node;

import io.pxkv.common.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node in a child JVM, started from the test classpath with {@link NodeMain}: the real process,
 * killable with {@code destroyForcibly()} (SIGKILL) like a crash. The process handling is the
 * shared {@link ChildProcess}; this adds the node's flags.
 */
public final class ChildNode implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(60);

  private final ChildProcess process;

  private ChildNode(ChildProcess process) {
    this.process = process;
  }

  /**
   * Starts {@code NodeMain} with {@code flags} (add {@code --port 0} for a free port) and waits
   * until it listens.
   */
  public static ChildNode start(Path dataDir, String... flags) throws Exception {
    return new ChildNode(process(dataDir, flags).startServer(START_DEADLINE));
  }

  /** Runs a node that is expected not to start; returns its exit code and everything it printed. */
  public static Exited runExpectingExit(Path dataDir, String... flags) throws Exception {
    ChildProcess.Exited exited = process(dataDir, flags).runToExit(START_DEADLINE);
    return new Exited(exited.code(), exited.output());
  }

  public record Exited(int code, String output) {}

  private static ChildProcess process(Path dataDir, String... flags) {
    List<String> args =
        new ArrayList<>(List.of("--host", "127.0.0.1", "--data", dataDir.toString()));
    args.addAll(List.of(flags));
    return ChildProcess.java("node", 512, NodeMain.class.getName(), args, Map.of());
  }

  /** The port the node bound. */
  public int port() {
    return process.port();
  }

  public List<String> output() {
    return process.lines();
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill() throws InterruptedException {
    process.kill();
  }

  /** SIGTERM: the shutdown hook closes the node cleanly. */
  public int stop(Duration timeout) throws InterruptedException {
    return process.stop(timeout);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
