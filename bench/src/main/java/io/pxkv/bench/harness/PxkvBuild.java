package io.pxkv.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * px-kvstore as it was at an earlier commit, for a scenario that measures a change against what it
 * replaced in one run: the commit's sources from {@code git archive}, built with Maven into {@code
 * bench/target/LABEL-COMMIT/} once and kept there for later runs.
 */
public final class PxkvBuild {
  private PxkvBuild() {}

  /**
   * The launcher jar of {@code commit}, built if not there yet (offline first, then online); the
   * build's output goes to {@code LABEL-build.log} in the results folder.
   */
  public static Path launcherJar(Bench bench, String label, String commit) throws IOException {
    Path root = bench.settings().root();
    Path src = root.resolve("bench").resolve("target").resolve(label + "-" + commit);
    Path jar = src.resolve("launcher").resolve("target").resolve("px-kvstore.jar");
    if (Files.isRegularFile(jar)) return jar;
    Files.createDirectories(src);
    Path log = bench.results().resolve(label + "-build.log");
    bench.log("building px-kvstore at " + commit + " into " + src + " (log " + log + ")");
    run(
        List.of(
            "sh",
            "-c",
            "git -C \"$1\" archive --format=tar \"$2\" | tar -x -C \"$3\"",
            "sh",
            root.toString(),
            commit,
            src.toString()),
        root,
        log,
        "git archive " + commit);
    List<String> mvn =
        new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q", "-DskipTests", "-Dspotless.check.skip"));
    mvn.addAll(List.of("-pl", "launcher", "-am", "package"));
    List<String> offline = new ArrayList<>(mvn);
    offline.add(1, "-o");
    try {
      run(offline, src, log, "mvn package (offline) at " + commit);
    } catch (BenchException e) {
      run(mvn, src, log, "mvn package at " + commit);
    }
    if (!Files.isRegularFile(jar))
      throw new BenchException("no jar at " + jar + " after the build");
    return jar;
  }

  private static void run(List<String> command, Path dir, Path log, String what) {
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new BenchException(what + " took over 20 minutes");
      }
      if (p.exitValue() != 0) {
        throw new BenchException(what + " failed (exit " + p.exitValue() + "), see " + log);
      }
    } catch (IOException e) {
      throw new BenchException(what + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted: " + what, e);
    }
  }
}
