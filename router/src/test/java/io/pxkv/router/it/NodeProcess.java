package io.pxkv.router.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/**
 * A real storage node in a child JVM on this test's classpath: {@code io.pxkv.node.NodeMain} with
 * an id, a port and a data directory. {@link #start} returns once the node printed its {@code
 * listening on port} line, or fails at the deadline with everything it printed.
 */
final class NodeProcess {
  private final String id;
  private final int port;
  private final Path dataDir;
  private ChildJvm jvm;

  NodeProcess(String id, int port, Path dataDir) {
    this.id = id;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** A port free right now; the node binds it moments later, with no other test competing. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  String id() {
    return id;
  }

  int port() {
    return port;
  }

  void start(long deadlineMs) throws Exception {
    jvm =
        new ChildJvm(
            id,
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
                "interval"));
    jvm.start("listening on port", deadlineMs);
  }

  /** Kills the node without warning, as a crash or an OOM killer would, and waits for it. */
  void kill() throws InterruptedException {
    if (jvm != null) jvm.kill();
  }

  String output() {
    return jvm == null ? "" : jvm.output();
  }
}
