package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.bench.measure.WarmUpRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  static final Path ROOT = Path.of("/repo");
  static final Path JAR = Path.of("/repo/bench/target/bench.jar");

  static CommandLine parse(String... args) {
    return CommandLine.parse(args, ROOT, JAR, "/usr/bin");
  }

  @Test
  void withoutFlagsEveryScenarioRunsWithTheFullSettings() {
    CommandLine cl = parse();
    Settings s = cl.settings();
    assertEquals(List.of(), cl.scenarios());
    assertEquals(new Load(2, 64, 10, 10_000), s.load());
    assertEquals(new WarmUpRule(3, 12, 90), s.warmUp());
    assertEquals(64L << 20, s.cacheBytes());
    assertEquals(List.of("--fsync", "never"), s.nodeFlags());
    assertEquals(List.of(), s.javaOpts());
    assertEquals(Path.of("/repo/launcher/target/px-kvstore.jar"), s.pxkvJar());
    assertNull(s.report());
    assertEquals(10.0, s.disturbedPercent());
  }

  @Test
  void quickShortensRunsAndAnExplicitFlagStillWinsInAnyOrder() {
    Settings s = parse("--seconds", "4", "--quick", "router").settings();
    assertTrue(s.quick());
    assertEquals(new Load(2, 64, 4, 1_000), s.load());
    assertEquals(Settings.QUICK_WARM_UP, s.warmUp());
  }

  @Test
  void scenariosAreNamedOrGivenWithTheFlagInOrder() {
    assertEquals(
        List.of("webdis", "router", "bare_server"),
        parse("webdis", "--scenario", "router", "bare_server").scenarios());
  }

  @Test
  void setGivesAScenarioParamAndTheSettingsHandItOut() {
    Settings s = parse("--set", "restart_time.keys=2000", "--quick").settings();
    assertEquals(Map.of("restart_time.keys", "2000"), s.overrides());
    Param<Integer> keys = Param.integer("keys", 1_000_000, 20_000, "keys");
    Param<Integer> chunk = Param.integer("chunk", 100_000, 5_000, "chunk");
    assertEquals(2000, s.param("restart_time", keys));
    assertEquals(5000, s.param("restart_time", chunk));
    assertEquals(20_000, s.param("other", keys));
  }

  @Test
  void nodeFlagsAndJavaOptionsAreSplitIntoWords() {
    Settings s =
        parse("--node-flags", "--fsync  interval", "--java-opts", "-Xmx1g -XX:+UseParallelGC")
            .settings();
    assertEquals(List.of("--fsync", "interval"), s.nodeFlags());
    assertEquals(List.of("-Xmx1g", "-XX:+UseParallelGC"), s.javaOpts());
    assertEquals(List.of(), parse("--node-flags", "").settings().nodeFlags());
  }

  @Test
  void theJarsFolderNameIsTheMavenTargetTheLauncherJarIsLookedForIn() {
    CommandLine cl =
        CommandLine.parse(new String[0], ROOT, Path.of("/repo/bench/target-b/bench.jar"), null);
    assertEquals(Path.of("/repo/launcher/target-b/px-kvstore.jar"), cl.settings().pxkvJar());
  }

  @Test
  void badFlagsAreRefusedWithOneLine() {
    assertEquals(
        "unknown option --second (see --help)",
        assertThrows(IllegalArgumentException.class, () -> parse("--second", "3")).getMessage());
    assertEquals(
        "--seconds needs a value",
        assertThrows(IllegalArgumentException.class, () -> parse("--seconds")).getMessage());
    assertEquals(
        "--keys must be a whole number >= 0, got ten",
        assertThrows(IllegalArgumentException.class, () -> parse("--keys", "ten")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--set", "keys=3"));
    assertThrows(IllegalArgumentException.class, () -> parse("--warmup-max", "1"));
  }

  @Test
  void listAndHelpAreFlags() {
    assertTrue(parse("--list").list());
    assertTrue(parse("-h").help());
  }
}
