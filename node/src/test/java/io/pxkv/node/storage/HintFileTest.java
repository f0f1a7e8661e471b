package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintFileTest {
  @TempDir Path dir;
  private Map<String, String> expected;

  private BitcaskEngine open() throws IOException {
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL));
  }

  private static Map<String, String> contents(BitcaskEngine e) throws IOException {
    Map<String, String> all = new TreeMap<>();
    for (StorageEngine.Entry x : e.scan("", null, 100_000)) all.put(x.key(), text(x.value()));
    return all;
  }

  private List<Path> hints() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".hnt")).sorted().toList();
    }
  }

  @BeforeEach
  void compactedStore() throws IOException {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 150; i++)
        await(e.put("k" + (i % 60), utf8("\"" + "v".repeat(150) + i + "\"")));
      for (int i = 0; i < 10; i++) await(e.delete("k" + i));
      await(e.compact());
      expected = contents(e);
    }
    assertTrue(hints().size() > 1);
  }

  @Test
  void restartReadsTheHintsOfCompactedSegments() throws IOException {
    try (BitcaskEngine e = open()) {
      assertEquals(hints().size(), e.recoveryReport().hintsUsed());
      assertEquals(expected, contents(e));
      e.checkInvariants();
    }
  }

  @Test
  void corruptHintGivesTheSameDataAsNoHint() throws IOException {
    Path hint = hints().get(0);
    Bytes.flipByte(hint, Files.size(hint) / 2);
    try (BitcaskEngine e = open()) {
      assertEquals(1, e.recoveryReport().hintsRejected());
      assertEquals(expected, contents(e));
      e.checkInvariants();
    }
  }

  @Test
  void truncatedHintGivesTheSameDataAsNoHint() throws IOException {
    Path hint = hints().get(0);
    Bytes.truncateTo(hint, Files.size(hint) - 5);
    try (BitcaskEngine e = open()) {
      assertEquals(1, e.recoveryReport().hintsRejected());
      assertEquals(expected, contents(e));
    }
  }

  @Test
  void missingHintGivesTheSameDataAsWithIt() throws IOException {
    for (Path hint : hints()) Files.delete(hint);
    try (BitcaskEngine e = open()) {
      assertEquals(0, e.recoveryReport().hintsUsed());
      assertEquals(expected, contents(e));
      e.checkInvariants();
    }
  }

  @Test
  void hintPointingPastItsDataFileIsIgnored() throws IOException {
    Path hint = hints().get(0);
    ByteBuffer lying =
        HintFile.encode(List.of(new HintFile.Entry("k99", 1 << 20, 40, 1, 1, 0, RecordKind.PUT)));
    Files.write(hint, lying.array());
    try (BitcaskEngine e = open()) {
      assertEquals(1, e.recoveryReport().hintsRejected());
      assertEquals(expected, contents(e));
    }
  }

  @Test
  void anOffsetSoLargeThatOffsetPlusSizeOverflowsIsRefused() throws IOException {
    Path file = dir.resolve("huge.hint");
    Files.write(
        file,
        HintFile.encode(
                List.of(new HintFile.Entry("k", Long.MAX_VALUE - 10, 40, 1, 1, 0, RecordKind.PUT)))
            .array());
    IOException refused =
        assertThrows(
            IOException.class, () -> HintFile.read(StorageFiles.DISK, file, segmentOf(1 << 20)));
    assertTrue(refused.getMessage().contains("past the end"), refused.getMessage());
  }

  @Test
  void aHintOfFormatTwoWrittenBeforeExpiryStillReadsAsNeverExpiring() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeInt(0x50584b48);
      out.writeInt(2);
      byte[] key = utf8("old");
      out.writeInt(key.length);
      out.write(key);
      out.writeLong(8);
      out.writeInt(40);
      out.writeLong(7);
      out.writeLong(7);
      out.writeInt(3);
      out.writeByte(RecordKind.PUT.code());
      out.writeInt(1);
      out.flush();
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    }
    Path file = dir.resolve("old.hnt");
    Files.write(file, bytes.toByteArray());
    assertEquals(
        List.of(new HintFile.Entry("old", 8, 40, 7, 7, 3, 0, RecordKind.PUT)),
        HintFile.read(StorageFiles.DISK, file, segmentOf(125)).entries());
  }

  @Test
  void hintRoundTripsAndRejectsAnyFlippedByte() throws IOException {
    List<HintFile.Entry> entries =
        List.of(
            new HintFile.Entry("a", 8, 40, 5, 5, 0xef7260a1, 1764159600345L, RecordKind.PUT),
            new HintFile.Entry("b\u00e9", 48, 40, 6, 6, 3, RecordKind.DELETE),
            new HintFile.Entry("c", 88, 37, 9, 5, 0xef7260a1, RecordKind.HANDOFF));
    byte[] bytes = HintFile.encode(entries).array();
    Path file = dir.resolve("x.hnt");
    Files.write(file, bytes);
    assertEquals(entries, HintFile.read(StorageFiles.DISK, file, segmentOf(125)).entries());
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 1;
      Files.write(file, bad);
      assertThrows(
          IOException.class,
          () -> HintFile.read(StorageFiles.DISK, file, segmentOf(125)),
          "byte " + i);
    }
  }

  @Test
  void aFormatOneHintIsReadWithSeqEqualToVersionAndWriterZero() throws IOException {
    // keyLen | key | offset:u64 | size:u32 | version:u64 | flags:u8, as the previous version wrote.
    ByteBuffer b = ByteBuffer.allocate(8 + 2 * (4 + 1 + 21) + 8);
    b.putInt(0x50584b48).putInt(1);
    b.putInt(1).put((byte) 'a').putLong(0).putInt(30).putLong(5).put((byte) 0);
    b.putInt(1).put((byte) 'b').putLong(30).putInt(21).putLong(6).put((byte) 1);
    b.putInt(2);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path file = dir.resolve("000007.hint");
    Files.write(file, b.array());
    Segment formatOne = new Segment(7, dir.resolve("000007.data"), StorageFiles.DISK, 51, 1);
    assertEquals(
        List.of(
            new HintFile.Entry("a", 0, 30, 5, 5, 0, RecordKind.PUT),
            new HintFile.Entry("b", 30, 21, 6, 6, 0, RecordKind.DELETE)),
        HintFile.read(StorageFiles.DISK, file, formatOne).entries());
    IOException wrongFormat =
        assertThrows(
            IOException.class, () -> HintFile.read(StorageFiles.DISK, file, segmentOf(51)));
    assertTrue(wrongFormat.getMessage().contains("format"), wrongFormat.getMessage());
  }

  private Segment segmentOf(long size) {
    return new Segment(1, dir.resolve("x.seg"), StorageFiles.DISK, size, 2);
  }
}
