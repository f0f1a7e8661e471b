package io.pxkv.router.it;

import io.pxkv.common.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real storage node in a child JVM on this test's classpath: {@code io.pxkv.node.NodeMain} with
 * an id, a port (0: one the node picks, and reports) and a data directory. {@link #start} returns
 * once the node printed its {@code listening on port} line, or fails at the deadline with
 * everything it printed.
 */
final class NodeProcess {
  private final String id;
  private final Path dataDir;
  private final ChildProcess jvm;

  /** {@code port} 0 lets the node pick one; a node started again keeps the one it had. */
  NodeProcess(String id, int port, Path dataDir) {
    this.id = id;
    this.dataDir = dataDir;
    this.jvm =
        ChildProcess.java(
            id,
            256,
            "io.pxkv.node.NodeMain",
            List.of(
                "--id",
                id,
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--data",
                dataDir.toString(),
                // A killed process loses no acknowledged write in any sync mode (the kernel has
                // the bytes); per-write fsync would only slow this routing test down.
                "--fsync",
                "interval"),
            Map.of());
  }

  String id() {
    return id;
  }

  /** The port the node bound. */
  int port() {
    return jvm.port();
  }

  void start(long deadlineMs) throws Exception {
    jvm.startServer(Duration.ofMillis(deadlineMs));
  }

  /** Kills the node without warning, as a crash or an OOM killer would, and waits for it. */
  void kill() throws InterruptedException {
    jvm.kill();
  }

  /** SIGSTOP: stopped with its sockets open, as in a long pause or a partition. */
  void pause() throws Exception {
    jvm.pause();
  }

  /** SIGCONT. */
  void resume() throws Exception {
    jvm.resume();
  }

  String output() {
    return jvm.output();
  }
}
