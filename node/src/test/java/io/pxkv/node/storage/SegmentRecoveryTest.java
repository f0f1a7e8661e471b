package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRecoveryTest {
  @TempDir Path dir;

  private StorageOptions options() {
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withSegmentBytes(4096)
        .withCompaction(CompactionPolicy.MANUAL);
  }

  private BitcaskEngine open() throws IOException {
    return BitcaskEngine.open(options());
  }

  private static String value(BitcaskEngine e, String key) throws IOException {
    return e.get(key).map(v -> text(v.value())).orElse(null);
  }

  private Path onlySegment() {
    return FileNames.segment(dir, 1);
  }

  @Test
  void truncatedTailIsCutAndReportedAtEveryOffset() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
      await(e.put("b", utf8("2")));
      await(e.put("last", utf8("\"the last record\"")));
    }
    byte[] whole = Files.readAllBytes(onlySegment());
    int lastSize = RecordCodec.size(utf8("last"), utf8("\"the last record\""));
    int lastStart = whole.length - lastSize;
    for (int cut = lastStart + 1; cut < whole.length; cut++) {
      Files.write(onlySegment(), whole);
      Bytes.truncateTo(onlySegment(), cut);
      try (BitcaskEngine e = open()) {
        RecoveryReport r = e.recoveryReport();
        assertEquals(1, r.tornRecords(), "cut at " + cut);
        assertEquals(cut - lastStart, r.tornBytes(), "cut at " + cut);
        assertEquals("1", value(e, "a"));
        assertEquals("2", value(e, "b"));
        assertEquals(Optional.empty(), e.get("last"));
        e.checkInvariants();
      }
      assertEquals(lastStart, Files.size(onlySegment()), "the torn bytes are truncated away");
    }
  }

  @Test
  void aTornExpiringPutIsCutAtEveryOffsetAndTheKeyKeepsItsPreviousState() throws Exception {
    long expiresAt = System.currentTimeMillis() + 3_600_000;
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1"), expiresAt, 0));
      await(e.put("last", utf8("2")));
      await(e.put("last", utf8("\"expiring\""), expiresAt, 0));
    }
    byte[] whole = Files.readAllBytes(onlySegment());
    int lastStart = whole.length - RecordCodec.size(utf8("last"), utf8("\"expiring\""), expiresAt);
    for (int cut = lastStart + 1; cut < whole.length; cut++) {
      Files.write(onlySegment(), whole);
      Bytes.truncateTo(onlySegment(), cut);
      try (BitcaskEngine e = open()) {
        assertEquals(1, e.recoveryReport().tornRecords(), "cut at " + cut);
        assertEquals("1", value(e, "a"));
        assertEquals(expiresAt, e.get("a").orElseThrow().expiresAt());
        assertEquals("2", value(e, "last"), "the put before the torn one, cut at " + cut);
        assertEquals(0, e.get("last").orElseThrow().expiresAt());
        e.checkInvariants();
      }
    }
  }

  @Test
  void aTornTombstoneOrHandoffMarkerLeavesTheKeyAsItWasAtEveryOffset() throws Exception {
    for (boolean handoff : new boolean[] {false, true}) {
      Files.deleteIfExists(onlySegment());
      long version;
      try (BitcaskEngine e = open()) {
        version = await(e.put("k", utf8("\"kept\""))).version();
        if (handoff) {
          assertTrue(await(e.handoff("k", version, 0, 0)));
        } else {
          assertTrue(await(e.delete("k")).isPresent());
        }
      }
      byte[] whole = Files.readAllBytes(onlySegment());
      int lastStart = whole.length - RecordCodec.size(utf8("k"), null);
      for (int cut = lastStart + 1; cut < whole.length; cut++) {
        Files.write(onlySegment(), whole);
        Bytes.truncateTo(onlySegment(), cut);
        try (BitcaskEngine e = open()) {
          assertEquals(1, e.recoveryReport().tornRecords(), "cut at " + cut);
          assertEquals("\"kept\"", value(e, "k"), "cut at " + cut);
          assertEquals(version, e.get("k").orElseThrow().version());
          e.checkInvariants();
        }
      }
      Files.write(onlySegment(), whole);
      try (BitcaskEngine e = open()) {
        assertTrue(e.recoveryReport().isClean());
        assertEquals(Optional.empty(), e.get("k"), handoff ? "handed off" : "deleted");
        assertEquals(handoff, e.readRecord("k").isEmpty(), "a held tombstone is readable");
        e.checkInvariants();
      }
    }
  }

  @Test
  void aSegmentHeaderCutShortInTheNewestSegmentIsWrittenAgain() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
    }
    // A crash while segment 2 was being created: its header is incomplete.
    for (int size = 0; size < SegmentHeader.BYTES; size++) {
      byte[] partial = Arrays.copyOf(SegmentHeader.encode().array(), size);
      Files.write(FileNames.segment(dir, 2), partial);
      try (BitcaskEngine e = open()) {
        assertEquals("1", value(e, "a"));
        assertEquals(1, e.recoveryReport().tornRecords(), "header of " + size + " bytes");
        await(e.put("b", utf8("2")));
        e.checkInvariants();
      }
      try (BitcaskEngine e = open()) {
        assertTrue(e.recoveryReport().isClean());
        assertEquals("2", value(e, "b"));
      }
      Files.delete(FileNames.segment(dir, 2)); // and "b" with it, for the next round
    }
  }

  @Test
  void aSegmentHeaderCutShortInAnOlderSegmentIsCorruption() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 200; i++) await(e.put("k" + i, utf8("\"" + "x".repeat(40) + "\"")));
      assertTrue(e.stats().segments() > 1);
    }
    Bytes.truncateTo(onlySegment(), 5);
    StorageCorruptionException ex = assertThrows(StorageCorruptionException.class, this::open);
    assertTrue(ex.getMessage().contains(onlySegment().getFileName().toString()), ex.getMessage());
  }

  @Test
  void engineAppendsCleanlyAfterCuttingATornTail() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
      await(e.put("b", utf8("2")));
    }
    Bytes.truncateTo(onlySegment(), Files.size(onlySegment()) - 1);
    try (BitcaskEngine e = open()) {
      await(e.put("c", utf8("3")));
    }
    try (BitcaskEngine e = open()) {
      assertTrue(e.recoveryReport().isClean());
      assertEquals("1", value(e, "a"));
      assertEquals(null, value(e, "b"));
      assertEquals("3", value(e, "c"));
    }
  }

  @Test
  void flippedByteMidSegmentRefusesToStartNamingFileAndOffset() throws Exception {
    long secondRecord;
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
      secondRecord = Files.size(onlySegment());
      await(e.put("b", utf8("2")));
      await(e.put("c", utf8("3")));
    }
    Bytes.flipByte(onlySegment(), secondRecord + RecordCodec.HEADER_BYTES);
    StorageCorruptionException ex = assertThrows(StorageCorruptionException.class, this::open);
    assertTrue(
        ex.getMessage().contains(onlySegment().toAbsolutePath().toString()), ex.getMessage());
    assertTrue(ex.getMessage().contains("byte offset " + secondRecord), ex.getMessage());
    assertEquals(secondRecord, ex.offset());
  }

  @Test
  void recoverDropsTheDamagedRecordAndReportsIt() throws Exception {
    long secondRecord;
    int recordSize = RecordCodec.size(utf8("b"), utf8("2"));
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
      secondRecord = Files.size(onlySegment());
      await(e.put("b", utf8("2")));
      await(e.put("c", utf8("3")));
    }
    Bytes.flipByte(onlySegment(), secondRecord + 5);
    try (BitcaskEngine e = BitcaskEngine.open(options().withRecover(true))) {
      RecoveryReport r = e.recoveryReport();
      assertEquals(1, r.droppedRecords());
      assertEquals(recordSize, r.droppedBytes());
      assertFalse(r.isClean());
      assertEquals("1", value(e, "a"));
      assertEquals(null, value(e, "b"));
      assertEquals("3", value(e, "c"));
      e.checkInvariants();
    }
  }

  @Test
  void corruptionInAnOlderSegmentIsNeverTreatedAsATornTail() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 200; i++) await(e.put("k" + i, utf8("\"" + "x".repeat(40) + "\"")));
      assertTrue(e.stats().segments() > 1);
    }
    Path first = onlySegment();
    Bytes.truncateTo(first, Files.size(first) - 3);
    StorageCorruptionException ex = assertThrows(StorageCorruptionException.class, this::open);
    assertTrue(ex.getMessage().contains(first.getFileName().toString()), ex.getMessage());
  }

  @Test
  void deleteThenReopenKeepsTheKeyDeleted() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("k", utf8("1")));
      assertTrue(await(e.delete("k")).isPresent());
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.get("k"));
      assertEquals(0, e.size());
      e.checkInvariants();
    }
  }

  @Test
  void deleteOfAnAbsentKeyWritesNothing() throws Exception {
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), await(e.delete("never")));
    }
    assertEquals(SegmentHeader.BYTES, Files.size(onlySegment()));
  }

  @Test
  void overwriteThenReopenReturnsTheNewestValue() throws Exception {
    try (BitcaskEngine e = open()) {
      assertTrue(await(e.put("k", utf8("1"))).created());
      assertFalse(await(e.put("k", utf8("2"))).created());
      await(e.put("k", utf8("3")));
    }
    try (BitcaskEngine e = open()) {
      assertEquals("3", value(e, "k"));
      assertEquals(1, e.size());
      e.checkInvariants();
    }
  }

  @Test
  void versionsGrowAcrossReopen() throws Exception {
    long before;
    try (BitcaskEngine e = open()) {
      await(e.put("k", utf8("1")));
      // A version far in the future (a clock that was ahead) must still be exceeded after reopen.
      assertTrue(await(e.importRecord("future", utf8("1"), Long.MAX_VALUE / 4, 7, 0)));
      before = e.get("future").orElseThrow().version();
    }
    try (BitcaskEngine e = open()) {
      long after = await(e.put("k", utf8("2"))).version();
      assertTrue(after > before, after + " > " + before);
      long tomb = await(e.delete("k")).orElseThrow();
      assertTrue(tomb > after);
    }
  }

  @Test
  void segmentsRollOverAtTheConfiguredSize() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 300; i++) await(e.put("key" + i, utf8("\"" + "v".repeat(30) + "\"")));
      StorageStats s = e.stats();
      assertTrue(s.segments() >= 3, "segments: " + s.segments());
      for (Segment seg : e.keyDirectory().segments()) {
        assertTrue(seg.size() <= 4096, seg + " has " + seg.size() + " bytes");
      }
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(300, e.size());
      assertEquals("\"" + "v".repeat(30) + "\"", value(e, "key299"));
      e.checkInvariants();
    }
  }

  @Test
  void secondEngineOnTheSameDirectoryIsRefused() throws Exception {
    try (BitcaskEngine e = open()) {
      assertEquals(0, e.size());
      IOException ex = assertThrows(IOException.class, this::open);
      assertTrue(ex.getMessage().contains(dir.toAbsolutePath().toString()), ex.getMessage());
      assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
    }
    open().close();
  }

  @Test
  void scanPagesByPrefixAndCursor() throws Exception {
    try (BitcaskEngine e = open()) {
      for (String k : new String[] {"a1", "b1", "b2", "b3", "c1"}) await(e.put(k, utf8("0")));
      assertEquals(2, e.scan("b", null, 2).size());
      assertEquals("b3", e.scan("b", "b2", 10).get(0).key());
      assertEquals(1, e.scan("b", "b2", 10).size());
      assertEquals("b1", e.scan("b", "a9", 1).get(0).key());
      assertEquals(5, e.scan("", null, 100).size());
      assertEquals(0, e.scan("b", "b3", 10).size());
    }
  }
}
