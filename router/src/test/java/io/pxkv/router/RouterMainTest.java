package io.pxkv.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import io.pxkv.router.config.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags, environment and the cluster file become a {@link RouterConfig}, or one clear line. */
class RouterMainTest {
  private static final String CLUSTER =
      "{\"nodes\":[{\"id\":\"n1\",\"url\":\"http://127.0.0.1:9001\"}]}";

  @Test
  void flagsBeatEnvironmentWhichBeatsDefaults(@TempDir Path dir) throws Exception {
    Path file = write(dir, CLUSTER);
    RouterConfig config =
        RouterConfig.fromArgs(
            new String[] {"--cluster", file.toString(), "--port", "8181"},
            Map.of("PXKV_PORT", "9999", "PXKV_TIMEOUT_MS", "750"));
    assertEquals(8181, config.port());
    assertEquals(750, config.timeoutMs());
    assertEquals(RouterConfig.DEFAULT_HOST, config.host());
    assertEquals("n1", config.cluster().nodes().get(0).id());
  }

  @Test
  void theClusterFileCanComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = write(dir, CLUSTER);
    RouterConfig config =
        RouterConfig.fromArgs(new String[0], Map.of("PXKV_CLUSTER", file.toString()));
    assertEquals(RouterConfig.DEFAULT_PORT, config.port());
    assertEquals(file.toString(), config.clusterFile());
  }

  @Test
  void metricsAreOnUnlessTurnedOff(@TempDir Path dir) throws Exception {
    String cluster = write(dir, CLUSTER).toString();
    assertTrue(RouterConfig.fromArgs(new String[] {"--cluster", cluster}, Map.of()).metrics());
    assertFalse(
        RouterConfig.fromArgs(new String[] {"--cluster", cluster, "--metrics", "off"}, Map.of())
            .metrics());
    assertFalse(
        RouterConfig.fromArgs(new String[] {"--cluster", cluster}, Map.of("PXKV_METRICS", "off"))
            .metrics());
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> RouterConfig.fromArgs(new String[] {"--metrics", "maybe"}, Map.of()));
    assertTrue(e.getMessage().contains("--metrics"), e.getMessage());
  }

  @Test
  void helpIsNotAConfig() throws Exception {
    assertNull(RouterConfig.fromArgs(new String[] {"--help"}, Map.of()));
    String help = RouterConfig.flags().help();
    assertTrue(help.contains("PXKV_CLUSTER") && help.contains("PXKV_TIMEOUT_MS"), help);
  }

  @Test
  void aBadFlagIsOneLineNamingIt() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> RouterConfig.fromArgs(new String[] {"--timeout-ms", "soon"}, Map.of()));
    assertTrue(e.getMessage().contains("--timeout-ms"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'));
  }

  @Test
  void aBadClusterFileIsOneLineNamingTheFileAndEveryProblem(@TempDir Path dir) throws Exception {
    Path file = write(dir, "{\"virtualNodes\":0,\"nodes\":[{\"id\":\"a\",\"url\":\"ftp://x\"}]}");
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> RouterConfig.fromArgs(new String[] {"--cluster", file.toString()}, Map.of()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("virtualNodes") && e.getMessage().contains("url"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'));
  }

  @Test
  void runExitsWith2OnBadInputWithoutStartingAnything(@TempDir Path dir) {
    assertEquals(2, RouterMain.run(new String[] {"--no-such-flag"}));
    assertEquals(
        2, RouterMain.run(new String[] {"--cluster", dir.resolve("missing.json").toString()}));
    assertEquals(2, RouterMain.run(new String[] {"--port", "70000"}));
  }

  @Test
  void runPrintsHelpAndExits0() {
    assertEquals(0, RouterMain.run(new String[] {"--help"}));
  }

  private static Path write(Path dir, String json) throws Exception {
    Path file = dir.resolve("cluster.json");
    Files.writeString(file, json);
    return file;
  }
}
