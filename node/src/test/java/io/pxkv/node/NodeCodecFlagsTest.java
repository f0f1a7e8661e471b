package io.pxkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import io.pxkv.node.storage.Compression;
import io.pxkv.node.storage.ValueCoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --compression, --compression-min-bytes and --encryption-key-file, from flags or variables. */
class NodeCodecFlagsTest {
  private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String KEY_B =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @Test
  void deflateAbove256BytesAndNoEncryptionByDefault() throws Exception {
    ValueCoding c = NodeConfig.fromArgs(new String[0], Map.of()).storage().coding();
    assertEquals(Compression.DEFLATE, c.compression());
    assertEquals(256, c.minBytes());
    assertNull(c.keys());
    String help = NodeConfig.flags().help();
    assertTrue(help.contains("PXKV_COMPRESSION"), help);
    assertTrue(help.contains("PXKV_ENCRYPTION_KEY_FILE"), help);
  }

  @Test
  void compressionFromFlagsOrTheEnvironment() throws Exception {
    ValueCoding c =
        NodeConfig.fromArgs(
                new String[] {"--compression", "none"}, Map.of("PXKV_COMPRESSION_MIN_BYTES", "1k"))
            .storage()
            .coding();
    assertEquals(Compression.NONE, c.compression());
    assertEquals(1024, c.minBytes());
    UsageException bad =
        assertThrows(
            UsageException.class,
            () -> NodeConfig.fromArgs(new String[] {"--compression", "zstd"}, Map.of()));
    assertTrue(bad.getMessage().contains("--compression"), bad.getMessage());
  }

  @Test
  void theLastKeyOfTheFileEncryptsAndKeysAreNeverPrinted(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    Files.write(file, List.of("# rotated in 2026", "1:" + KEY_A, "", "7:" + KEY_B));
    ValueCoding c =
        NodeConfig.fromArgs(new String[0], Map.of("PXKV_ENCRYPTION_KEY_FILE", file.toString()))
            .storage()
            .coding();
    assertEquals(7, c.keys().currentId());
    assertEquals(List.of(1, 7), List.copyOf(c.keys().ids()));
    NodeConfig config =
        NodeConfig.fromArgs(new String[] {"--encryption-key-file", file.toString()}, Map.of());
    assertFalse(config.toString().contains(KEY_B), "no key bytes in the config's text");
    assertFalse(config.toString().contains(KEY_A));
  }

  @Test
  void aBadKeyFileIsOneLineNamingTheFlagAndLineWithoutTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    for (var lines :
        List.of(
            List.of("1:" + shortKey),
            List.of("1:" + KEY_A, "1:" + KEY_B),
            List.of("x:" + KEY_A),
            List.of("1:not base64!"),
            List.of("# no keys"))) {
      Files.write(file, lines);
      UsageException e =
          assertThrows(
              UsageException.class,
              () ->
                  NodeConfig.fromArgs(
                      new String[] {"--encryption-key-file", file.toString()}, Map.of()));
      assertTrue(e.getMessage().startsWith("--encryption-key-file"), e.getMessage());
      assertEquals(-1, e.getMessage().indexOf('\n'));
      assertFalse(e.getMessage().contains(KEY_B) || e.getMessage().contains(shortKey));
    }
    assertThrows(
        UsageException.class,
        () ->
            NodeConfig.fromArgs(
                new String[] {"--encryption-key-file", dir.resolve("missing").toString()},
                Map.of()));
  }

  @Test
  void keysThatDoNotFitTheDataExitWithTwo(@TempDir Path dir) throws Exception {
    Path keys1 = dir.resolve("keys1");
    Files.write(keys1, List.of("1:" + KEY_A));
    Path keys2 = dir.resolve("keys2");
    Files.write(keys2, List.of("2:" + KEY_B));
    Path data = dir.resolve("data");
    io.pxkv.node.storage.BitcaskEngine.open(
            io.pxkv.node.storage.StorageOptions.defaults(data)
                .withCoding(
                    ValueCoding.DEFAULTS.withKeys(io.pxkv.node.storage.EncryptionKeys.read(keys1))))
        .close();
    int code =
        NodeMain.run(
            new String[] {
              "--port", "0", "--data", data.toString(), "--encryption-key-file", keys2.toString()
            });
    assertEquals(2, code);
  }
}
