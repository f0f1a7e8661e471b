package io.pxkv.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsTest {
  private static Flags flags() {
    return new Flags("test")
        .option("port", "8080", "port")
        .option("cache-bytes", "64m", "cache")
        .toggle("recover", "r");
  }

  @Test
  void flagBeatsEnvironmentBeatsDefault() throws Exception {
    Flags f = flags();
    assertTrue(
        f.parse(
            new String[] {"--port", "9001"},
            Map.of("PXKV_PORT", "7000", "PXKV_CACHE_BYTES", "1k")));
    assertEquals(9001, f.integer("port", 0, 65535));
    assertEquals(1024, f.bytes("cache-bytes", 0, Long.MAX_VALUE));
    assertFalse(f.bool("recover"));
    Flags g = flags();
    g.parse(new String[] {"--recover", "--cache-bytes=2m"}, Map.of());
    assertEquals(8080, g.integer("port", 0, 65535));
    assertEquals(2L << 20, g.bytes("cache-bytes", 0, Long.MAX_VALUE));
    assertTrue(g.bool("recover"));
  }

  @Test
  void helpIsReportedAndListsEnvironmentVariables() throws Exception {
    Flags f = flags();
    assertFalse(f.parse(new String[] {"--help"}, Map.of()));
    assertTrue(f.help().contains("PXKV_CACHE_BYTES"));
  }

  @Test
  void badInputIsOneClearMessage() throws Exception {
    assertEquals(
        "unknown flag --nope (see test --help)",
        assertThrows(UsageException.class, () -> flags().parse(new String[] {"--nope"}, Map.of()))
            .getMessage());
    assertThrows(UsageException.class, () -> flags().parse(new String[] {"--port"}, Map.of()));
    assertThrows(UsageException.class, () -> flags().parse(new String[] {"stray"}, Map.of()));
    Flags f = flags();
    f.parse(new String[] {"--port", "70000", "--cache-bytes", "lots"}, Map.of());
    assertEquals(
        "--port must be in 0..65535 (was 70000)",
        assertThrows(UsageException.class, () -> f.integer("port", 0, 65535)).getMessage());
    assertThrows(UsageException.class, () -> f.bytes("cache-bytes", 0, Long.MAX_VALUE));
  }
}
