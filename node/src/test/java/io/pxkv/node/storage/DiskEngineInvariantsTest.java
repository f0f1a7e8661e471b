package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension every node test runs under: it passes a healthy engine and fails a test whose
 * engine closes with a record the key directory points at no longer matching it. Driven by hand
 * here (a second instance, in place of the one wrapping this test) so the failure can be seen.
 */
class DiskEngineInvariantsTest {
  @TempDir Path dir;

  @Test
  void aHealthyEnginePasses() throws Exception {
    DiskEngineInvariants invariants = new DiskEngineInvariants();
    invariants.start();
    try (BitcaskEngine e = BitcaskEngine.open(StorageOptions.defaults(dir))) {
      e.put("k", Bytes.utf8("\"v\"")).join();
      e.delete("gone").join();
    }
    invariants.finish();
  }

  @Test
  void anEngineClosedWithABrokenInvariantFailsTheTest() throws Exception {
    DiskEngineInvariants invariants = new DiskEngineInvariants();
    invariants.start();
    try (BitcaskEngine e = BitcaskEngine.open(StorageOptions.defaults(dir))) {
      e.put("k", Bytes.utf8("\"value\"")).join();
      // The last byte of the only record is part of its value: its CRC no longer matches.
      Path segment = onlySegment();
      Bytes.flipByte(segment, Files.size(segment) - 1);
    }
    AssertionError failure = assertThrows(AssertionError.class, invariants::finish);
    assertEquals("1 disk engine(s) closed with broken invariants", failure.getMessage());
  }

  private Path onlySegment() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments =
          files.filter(f -> f.toString().endsWith(FileNames.SEGMENT_SUFFIX)).toList();
      assertEquals(1, segments.size(), segments::toString);
      return segments.get(0);
    }
  }
}
