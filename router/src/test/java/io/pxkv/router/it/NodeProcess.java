package io.pxkv.router.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real storage node in a child JVM on this test's classpath: {@code io.pxkv.node.NodeMain} with
 * an id, a port and a data directory. {@link #start} returns once the node printed its {@code
 * listening on port} line, or fails at the deadline with everything it printed.
 */
final class NodeProcess {
  private final String id;
  private final int port;
  private final Path dataDir;
  private final List<String> output = new ArrayList<>();
  private Process process;

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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.pxkv.node.NodeMain",
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
                "interval")
            .redirectErrorStream(true);
    process = builder.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (output) {
                    output.add(line);
                  }
                  if (line.contains("listening on port")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // The process went away; the deadline below reports it with its output.
              }
              ready.completeExceptionally(new IllegalStateException("exited"));
            },
            id + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(deadlineMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      kill();
      throw new AssertionError(id + " did not start within " + deadlineMs + " ms: " + output(), e);
    }
  }

  /** Kills the node without warning, as a crash or an OOM killer would, and waits for it. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }
}
