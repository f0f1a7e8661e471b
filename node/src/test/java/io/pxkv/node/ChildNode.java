package io.pxkv.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in a child JVM, started from the test classpath with {@link NodeMain}: the real process,
 * killable with {@code destroyForcibly()} (SIGKILL) like a crash.
 */
public final class ChildNode implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("listening on port (\\d+)");

  private final Process process;
  private final int port;
  private final List<String> output;

  private ChildNode(Process process, int port, List<String> output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /**
   * Starts {@code NodeMain} with {@code flags} (add {@code --port 0} for a free port) and waits
   * until it listens.
   */
  public static ChildNode start(Path dataDir, String... flags) throws IOException {
    Process process = new ProcessBuilder(command(dataDir, flags)).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.add(line);
                  Matcher m = READY.matcher(line);
                  if (m.find()) ready.complete(Integer.parseInt(m.group(1)));
                }
              } catch (IOException ignored) {
                // the process died; the exit is reported below
              }
              ready.completeExceptionally(
                  new IllegalStateException("node exited before listening: " + output));
            },
            "child-node-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ChildNode(process, ready.get(60, TimeUnit.SECONDS), output);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("node did not start: " + output, e);
    }
  }

  /** Runs a node that is expected not to start; returns its exit code and everything it printed. */
  public static Exited runExpectingExit(Path dataDir, String... flags) throws Exception {
    Process process = new ProcessBuilder(command(dataDir, flags)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("node kept running: " + output);
    }
    return new Exited(process.exitValue(), output);
  }

  public record Exited(int code, String output) {}

  private static List<String> command(Path dataDir, String... flags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NodeMain.class.getName());
    command.add("--host");
    command.add("127.0.0.1");
    command.add("--data");
    command.add(dataDir.toString());
    command.addAll(List.of(flags));
    return command;
  }

  public int port() {
    return port;
  }

  public List<String> output() {
    return output;
  }

  /** SIGKILL: no shutdown hook, no flush. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook closes the node cleanly. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
