package io.pxkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import io.pxkv.node.storage.SyncMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags and environment become a {@link NodeConfig}, or one clear line. */
class NodeConfigTest {
  @Test
  void defaultsServeOnOneEventLoopPerCore() throws Exception {
    NodeConfig config = NodeConfig.fromArgs(new String[0], Map.of());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.instances());
    assertEquals(NodeConfig.DEFAULT_PORT, config.port());
    assertEquals(SyncMode.ALWAYS, config.storage().syncMode());
  }

  @Test
  void instancesComeFromTheFlagOrTheEnvironment() throws Exception {
    assertEquals(1, NodeConfig.fromArgs(new String[] {"--instances", "1"}, Map.of()).instances());
    assertEquals(3, NodeConfig.fromArgs(new String[0], Map.of("PXKV_INSTANCES", "3")).instances());
    assertEquals(
        2,
        NodeConfig.fromArgs(new String[] {"--instances", "2"}, Map.of("PXKV_INSTANCES", "3"))
            .instances());
  }

  @Test
  void zeroInstancesIsOneLineNamingTheFlag() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> NodeConfig.fromArgs(new String[] {"--instances", "0"}, Map.of()));
    assertTrue(e.getMessage().contains("--instances"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'));
  }

  @Test
  void helpIsNotAConfigAndNamesTheVariable() throws Exception {
    assertNull(NodeConfig.fromArgs(new String[] {"--help"}, Map.of()));
    assertTrue(NodeConfig.flags().help().contains("PXKV_INSTANCES"));
  }
}
