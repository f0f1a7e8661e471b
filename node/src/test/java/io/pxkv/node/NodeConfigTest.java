package io.pxkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.SyncMode;
import java.nio.file.Path;
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

  @Test
  void tombstoneGraceAndClockOffsetComeFromTheirFlags() throws Exception {
    NodeConfig defaults = NodeConfig.fromArgs(new String[0], Map.of());
    assertEquals(10L * 24 * 3600 * 1000, defaults.storage().tombstoneGraceMillis());
    assertEquals(0, defaults.storage().clockOffsetMillis());
    NodeConfig set =
        NodeConfig.fromArgs(
            new String[] {"--tombstone-grace", "36h", "--clock-offset-ms", "-5000"}, Map.of());
    assertEquals(36L * 3600 * 1000, set.storage().tombstoneGraceMillis());
    assertEquals(-5000, set.storage().clockOffsetMillis());
    assertEquals(
        1000,
        NodeConfig.fromArgs(new String[0], Map.of("PXKV_CLOCK_OFFSET_MS", "1000"))
            .storage()
            .clockOffsetMillis());
    for (String[] bad :
        new String[][] {{"--tombstone-grace", "soon"}, {"--clock-offset-ms", "1.5"}}) {
      UsageException e =
          assertThrows(UsageException.class, () -> NodeConfig.fromArgs(bad, Map.of()));
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
  }

  @Test
  void metricsAreOnUnlessTurnedOff() throws Exception {
    assertTrue(NodeConfig.fromArgs(new String[0], Map.of()).metrics());
    assertTrue(NodeConfig.forTest("node-1", Path.of("unused")).metrics());
    assertFalse(NodeConfig.fromArgs(new String[] {"--metrics", "off"}, Map.of()).metrics());
    assertFalse(NodeConfig.fromArgs(new String[0], Map.of("PXKV_METRICS", "off")).metrics());
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> NodeConfig.fromArgs(new String[] {"--metrics", "yes"}, Map.of()));
    assertTrue(e.getMessage().contains("--metrics"), e.getMessage());
  }

  @Test
  void theWriterIdIsTheHashOfTheNodeId() throws Exception {
    NodeConfig config = NodeConfig.fromArgs(new String[] {"--id", "node-7"}, Map.of());
    assertEquals(WriteOrder.writerIdOf("node-7"), config.storage().writerId());
    NodeConfig test = NodeConfig.forTest("node-1", Path.of("unused"));
    assertEquals(0xef7260a1, test.storage().writerId());
    assertEquals(
        0xef7260a1,
        test.withStorage(test.storage().withWriterId(5)).storage().writerId(),
        "always the node's own");
  }
}
