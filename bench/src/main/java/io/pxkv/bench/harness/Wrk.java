package io.pxkv.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs wrk once and returns what it printed. */
final class Wrk {
  private Wrk() {}

  /** The command line: {@code wrk -t2 -c64 -d10s [--latency] -s SCRIPT URL -- KEYS [ARGS]}. */
  static List<String> command(
      String wrk, Path scriptsDir, WrkCall call, Load load, boolean latency) {
    List<String> c = new ArrayList<>();
    c.add(wrk);
    c.add("-t" + load.threads());
    c.add("-c" + load.connections());
    c.add("-d" + load.seconds() + "s");
    if (latency) {
      c.add("--latency");
    }
    c.add("-s");
    c.add(scriptsDir.resolve(call.script()).toString());
    c.add(call.url());
    c.add("--");
    c.add(Integer.toString(load.keys()));
    c.addAll(call.scriptArgs());
    return c;
  }

  /**
   * Runs {@code command} to its end, its output in {@code out} (replaced), and returns that output.
   * A wrk that outlives its duration by a minute is killed.
   */
  static String run(List<String> command, int seconds, Path out) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new BenchException("wrk did not finish within " + (seconds + 60) + " s");
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BenchException("cannot run wrk: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while wrk ran", e);
    }
  }
}
