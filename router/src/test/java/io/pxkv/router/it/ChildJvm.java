package io.pxkv.router.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this test's classpath in a child JVM: started, read until it prints its ready
 * line, and killed with SIGKILL (a crash) or stopped with SIGTERM. Its output is kept for failure
 * messages and for tests that read its log.
 */
final class ChildJvm {
  private final String name;
  private final List<String> command;
  private final List<String> output = new ArrayList<>();
  private final Map<String, String> environment;
  private Process process;

  ChildJvm(String name, String mainClass, List<String> args) {
    this(name, mainClass, args, Map.of());
  }

  /** {@code environment} is added to this JVM's environment for the child. */
  ChildJvm(String name, String mainClass, List<String> args, Map<String, String> environment) {
    this.name = name;
    this.environment = Map.copyOf(environment);
    this.command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
  }

  /** Starts the process and waits until a line contains {@code readyText}. */
  ChildJvm start(String readyText, long deadlineMs) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    process = builder.start();
    Process mine = process;
    CompletableFuture<Void> ready = new CompletableFuture<>();
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
                  if (line.contains(readyText)) ready.complete(null);
                }
              } catch (IOException e) {
                // the process went away; reported below
              }
              ready.completeExceptionally(new IllegalStateException(name + " exited"));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(deadlineMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      String why =
          mine.isAlive()
              ? " did not start within " + deadlineMs + " ms: "
              : " exited before it was ready: ";
      kill();
      throw new AssertionError(name + why + output(), e);
    }
    return this;
  }

  /** SIGKILL, and wait for the process to be gone. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }
}
