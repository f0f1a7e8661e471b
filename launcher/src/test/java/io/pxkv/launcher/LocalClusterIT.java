package io.pxkv.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.testing.ChildProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's way in: {@code bin/px-kvstore local} started as a user would (on free ports, in a
 * temp directory), the README's curl examples run against it by {@code scripts/readme-examples.sh},
 * then a stop with SIGTERM (what Ctrl-C does) and a second start that finds the same data. Needs
 * bash, curl and jq, as the README says; checked first.
 */
class LocalClusterIT {
  private static final Path REPO =
      Path.of(System.getProperty("pxkv.repo", "..")).toAbsolutePath().normalize();

  private static final Pattern ONE_LINE_EVENT =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO io\\.pxkv\\.launcher\\.LocalCluster:"
              + " router listening on port \\d+ in front of 3 nodes; Ctrl-C to stop");

  /** Named up front, so a machine without them fails with what to install, not a stack trace. */
  private static final List<String> TOOLS = List.of("bash", "curl", "jq");

  @BeforeAll
  static void theToolsTheScriptsNeedAreInstalled() {
    List<String> missing = TOOLS.stream().filter(tool -> !onPath(tool)).toList();
    assertTrue(
        missing.isEmpty(),
        () ->
            "this test runs bin/px-kvstore and scripts/readme-examples.sh, which need "
                + String.join(", ", TOOLS)
                + " on the PATH; install "
                + String.join(" and ", missing)
                + " (Debian/Ubuntu: apt-get install "
                + String.join(" ", missing)
                + "; macOS: brew install "
                + String.join(" ", missing)
                + ")");
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  @Test
  void readmeExamplesWorkAgainstTheLocalClusterAndDataSurvivesARestart(@TempDir Path dir)
      throws Exception {
    // Any free ports on the first start; the nodes come back on theirs (recorded in the cluster
    // file), the router on the port it had.
    ChildProcess first = startLocal(dir, 0);
    int routerPort = first.port();
    String base = "http://127.0.0.1:" + routerPort;
    try {
      Process examples =
          new ProcessBuilder("bash", REPO.resolve("scripts/readme-examples.sh").toString(), base)
              .redirectErrorStream(true)
              .start();
      String out = new String(examples.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(examples.waitFor(120, TimeUnit.SECONDS));
      System.out.print(out);
      assertEquals(0, examples.exitValue(), out);
      assertTrue(out.contains(" passed, 0 failed"), out);
      assertEquals(0, curl("-X", "PUT", base + "/kv/kept", "-d", "{\"kept\":true}").exitCode());
      theReadmeCommandLineWorksFromTheJar(dir, base);
    } finally {
      stop(first);
    }
    assertTrue(Files.exists(dir.resolve("data/node-1")), "node data under ./data");

    ChildProcess second = startLocal(dir, routerPort);
    try {
      Curl kept = curl(base + "/kv/kept");
      assertTrue(kept.body().contains("\"value\":{\"kept\":true}"), kept.body());
    } finally {
      stop(second);
    }
  }

  private static ChildProcess startLocal(Path dir, int routerPort) throws Exception {
    List<String> command =
        List.of(
            REPO.resolve("bin/px-kvstore").toString(),
            "local",
            "--port",
            String.valueOf(routerPort),
            "--node-port",
            "0",
            "--fsync",
            "never");
    ChildProcess local =
        ChildProcess.command("local", command, Map.of("PXKV_JAR", System.getProperty("pxkv.jar")))
            .in(dir)
            .start(Pattern.compile("router listening on port (\\d+)"), Duration.ofSeconds(120));
    // Events are logged one line each, with time, level and logger (docs/OPERATIONS.md).
    String listening =
        local.lines().stream()
            .filter(l -> l.contains("router listening on port"))
            .findFirst()
            .get();
    assertTrue(ONE_LINE_EVENT.matcher(listening).matches(), listening);
    return local;
  }

  /**
   * The README's command-line lines, run by bin/px-kvstore from the built jar under a locale that
   * is not UTF-8: output and exit codes as docs/OPERATIONS.md says.
   */
  private static void theReadmeCommandLineWorksFromTheJar(Path dir, String base) throws Exception {
    Run put = px(dir, base, "put", "user:é", "{\"name\":\"Ada\"}");
    assertEquals(0, put.exitCode(), put.output());
    assertTrue(put.output().startsWith("created user:é (version "), put.output());
    assertEquals(new Run(0, "{\"name\":\"Ada\"}\n"), px(dir, base, "get", "user:é"));
    assertEquals(
        new Run(0, "user:é\t{\"name\":\"Ada\"}\n"), px(dir, base, "ls", "user:", "--values"));
    Run cluster = px(dir, base, "cluster");
    assertTrue(cluster.output().contains("3 of 3 nodes up"), cluster.output());
    Run backup = px(dir, base, "backup", "cluster.jsonl");
    assertEquals(0, backup.exitCode(), backup.output());
    assertTrue(Files.readString(dir.resolve("cluster.jsonl")).contains("\"user:é\""));
    assertEquals(0, px(dir, base, "del", "user:é").exitCode());
    assertEquals(
        new Run(1, "px-kvstore get: no value for key 'user:é'\n"), px(dir, base, "get", "user:é"));
    assertEquals(2, px(dir, base, "get", "user:é", "--bogus").exitCode());
    Run restore = px(dir, base, "restore", "cluster.jsonl");
    assertEquals(0, restore.exitCode(), restore.output());
    assertTrue(restore.output().startsWith("restored "), restore.output());
    assertEquals(1, px(dir, base, "get", "user:é").exitCode(), "the later delete stays");
  }

  private record Run(int exitCode, String output) {}

  private static Run px(Path dir, String base, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(REPO.resolve("bin/px-kvstore").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PXKV_JAR", System.getProperty("pxkv.jar"));
    pb.environment().put("PXKV_URL", base);
    pb.environment().remove("LC_ALL");
    pb.environment().put("LANG", "C");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "px-kvstore " + String.join(" ", args));
    return new Run(p.exitValue(), out);
  }

  /** SIGTERM, as Ctrl-C's SIGINT does: the shutdown hook must close everything promptly. */
  private static void stop(ChildProcess local) throws InterruptedException {
    assertEquals(
        143,
        local.stop(Duration.ofSeconds(30)),
        "local cluster did not stop within 30 s of SIGTERM");
  }

  private record Curl(int exitCode, String body) {}

  private static Curl curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "10"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Curl(p.exitValue(), body);
  }
}
