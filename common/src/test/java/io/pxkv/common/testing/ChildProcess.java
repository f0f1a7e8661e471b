package io.pxkv.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way tests start a real process: a main class of the test's classpath in a child JVM
 * ({@link #java}), or any command. {@link #start} waits for its ready line and reads the port the
 * process says it bound there (servers are started on port 0 and print {@code listening on port
 * N}); it is killed with SIGKILL (a crash) or stopped with SIGTERM. Its output (stdout and stderr)
 * is kept for failure messages and for tests that read its log. Restartable: {@link #start} again
 * after it died runs the same command, except that a server started with {@code --port 0} comes
 * back on the port it bound the first time, so the cluster file naming it stays true.
 */
public final class ChildProcess implements AutoCloseable {
  /** The line a router or node prints once it serves, with the port it bound. */
  public static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final List<String> output = new ArrayList<>();
  private Path directory;
  private Process process;
  private int port = -1;

  private ChildProcess(String name, List<String> command, Map<String, String> environment) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
  }

  /**
   * {@code mainClass} of this JVM's classpath with {@code args}, in a JVM with {@code
   * -Xmx<heapMb>m}; {@code environment} is added to this process's environment for it.
   */
  public static ChildProcess java(
      String name,
      int heapMb,
      String mainClass,
      List<String> args,
      Map<String, String> environment) {
    return java(name, heapMb, List.of(), mainClass, args, environment);
  }

  /** As {@link #java(String, int, String, List, Map)}, with more JVM options. */
  public static ChildProcess java(
      String name,
      int heapMb,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMb + "m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return new ChildProcess(name, command, environment);
  }

  /** Any command, e.g. a script; {@code environment} is added to this process's environment. */
  public static ChildProcess command(
      String name, List<String> command, Map<String, String> environment) {
    return new ChildProcess(name, command, environment);
  }

  /** Runs the process in {@code directory} rather than in this one's. */
  public ChildProcess in(Path directory) {
    this.directory = directory;
    return this;
  }

  private ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    if (directory != null) builder.directory(directory.toFile());
    return builder;
  }

  /**
   * Starts the process and waits until a line matches {@code ready}; if that pattern has a group,
   * it is the port the process bound ({@link #port}). Fails at the deadline, or when the process
   * exits first, with everything it printed.
   */
  public ChildProcess start(Pattern ready, Duration deadline) throws Exception {
    return start(ready, 1, deadline);
  }

  /**
   * As {@link #start(Pattern, Duration)}, ready once {@code times} lines matched (at once for 0):
   * to act on a process at a chosen point of its run, such as killing it mid-way.
   */
  public ChildProcess start(Pattern ready, int times, Duration deadline) throws Exception {
    Process mine = builder(commandNow()).start();
    process = mine;
    CompletableFuture<Integer> started = new CompletableFuture<>();
    if (times == 0) started.complete(-1);
    int[] matched = {0};
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(mine.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (output) {
                    output.add(line);
                  }
                  Matcher m = ready.matcher(line);
                  if (m.find() && ++matched[0] == times) {
                    started.complete(m.groupCount() > 0 ? Integer.parseInt(m.group(1)) : -1);
                  }
                }
              } catch (IOException e) {
                // the process went away; reported below
              }
              started.completeExceptionally(new IllegalStateException(name + " exited"));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      int bound = started.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (bound > 0) port = bound;
    } catch (Exception e) {
      String why =
          mine.isAlive()
              ? " did not start within " + deadline.toMillis() + " ms: "
              : " exited before it was ready: ";
      kill();
      throw new AssertionError(name + why + output(), e);
    }
    return this;
  }

  /** The command, with {@code --port 0} replaced by the port bound at an earlier start. */
  private List<String> commandNow() {
    List<String> now = new ArrayList<>(command);
    int flag = now.indexOf("--port");
    if (port > 0 && flag >= 0 && flag + 1 < now.size() && now.get(flag + 1).equals("0")) {
      now.set(flag + 1, String.valueOf(port));
    }
    return now;
  }

  /** Starts a router or node and waits for its {@link #LISTENING} line. */
  public ChildProcess startServer(Duration deadline) throws Exception {
    return start(LISTENING, deadline);
  }

  /**
   * Runs the process to its end (it is expected not to start serving); returns its exit code and
   * everything it printed.
   */
  public Exited runToExit(Duration deadline) throws Exception {
    Process mine = builder(command).start();
    process = mine;
    CompletableFuture<byte[]> all =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return mine.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    if (!mine.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      mine.destroyForcibly();
      throw new AssertionError(name + " kept running: " + new String(all.get()));
    }
    return new Exited(mine.exitValue(), new String(all.get(), StandardCharsets.UTF_8));
  }

  /** How a process that was run to its end ended. */
  public record Exited(int code, String output) {}

  /** The port from the ready line of the first start; -1 before it or if the line had none. */
  public int port() {
    return port;
  }

  /** SIGKILL (no shutdown hook, no flush), and wait for the process to be gone. */
  public void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * SIGTERM (the shutdown hook runs), SIGKILL after {@code timeout}; returns the exit code (143
   * when the process ended on the SIGTERM, 137 when it had to be killed).
   */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /**
   * SIGSTOP: the process stops where it is, with its sockets open, as in a long GC pause or a
   * partition; {@link #resume} lets it go on.
   */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    if (process == null || !process.isAlive()) return;
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** Every line printed so far, over all starts. */
  public List<String> lines() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** {@link #lines}, joined by newlines. */
  public String output() {
    return String.join("\n", lines());
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
