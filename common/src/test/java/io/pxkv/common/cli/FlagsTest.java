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

  @Test
  void durationsTakeAUnit() throws Exception {
    Flags f = new Flags("t").option("grace", "10d", "a duration");
    f.parse(new String[0], Map.of());
    assertEquals(864_000_000L, f.durationMillis("grace", 0, Long.MAX_VALUE));
    for (String[] c :
        new String[][] {
          {"36h", "129600000"}, {"90m", "5400000"}, {"30s", "30000"}, {"500ms", "500"}, {"7", "7"}
        }) {
      Flags g = new Flags("t").option("grace", "1s", "a duration");
      g.parse(new String[] {"--grace", c[0]}, Map.of());
      assertEquals(Long.parseLong(c[1]), g.durationMillis("grace", 0, Long.MAX_VALUE), c[0]);
    }
    for (String bad : new String[] {"10 days", "-", "d", "1.5h"}) {
      Flags g = new Flags("t").option("grace", "1s", "a duration");
      g.parse(new String[] {"--grace", bad}, Map.of());
      UsageException e =
          assertThrows(UsageException.class, () -> g.durationMillis("grace", 0, Long.MAX_VALUE));
      assertTrue(e.getMessage().contains("--grace"), e.getMessage());
    }
    Flags neg = new Flags("t").option("grace", "-5s", "a duration");
    neg.parse(new String[0], Map.of());
    assertThrows(UsageException.class, () -> neg.durationMillis("grace", 0, Long.MAX_VALUE));
  }
}
