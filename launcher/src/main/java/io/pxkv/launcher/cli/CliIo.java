package io.pxkv.launcher.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where a command reads and writes: standard streams (UTF-8, whatever the locale, since keys are
 * any Unicode), the environment, and whether a person watches a terminal, which is when progress
 * bars are drawn. Tests pass their own.
 */
public record CliIo(
    InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {

  public static CliIo system() {
    return new CliIo(
        new FileInputStream(FileDescriptor.in),
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.UTF_8),
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
        System.getenv(),
        isTerminal());
  }

  /**
   * Whether standard input and output are a terminal. Up to Java 21 {@link System#console()} is
   * null otherwise; from Java 22 on it may be there anyway, and {@code Console.isTerminal()} tells.
   */
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) return false;
    try {
      Method isTerminal = java.io.Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException beforeJava22) {
      return true;
    }
  }
}
