package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.RawRecords.FormatOneHintEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directories written by the previous version (format 1) open, serve and are rewritten in format 2
 * by compaction; data a newer version wrote refuses the start with a message that says so, and is
 * never cut as a torn tail.
 */
class FormatUpgradeTest {
  /** Versions of the previous version's writes: about 2023, and one from a clock far ahead. */
  private static final long T = 1_700_000_000_000_000L;

  private static final long AHEAD = 4_000_000_000_000_000L;

  @TempDir Path dir;

  private StorageOptions options() {
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withSegmentBytes(4096)
        .withCompaction(CompactionPolicy.MANUAL)
        .withWriterId(7);
  }

  private BitcaskEngine open() throws IOException {
    return BitcaskEngine.open(options());
  }

  private static String value(BitcaskEngine e, String key) throws IOException {
    return e.get(key).map(v -> text(v.value())).orElse(null);
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Segment 1, compacted by the previous version (with its hint): "a", "b" deleted, "ahead".
   * Segment 2, its active segment: "a" overwritten, "c", and "moved", imported with a version below
   * the records before it, as the previous version's imports could be.
   */
  private void writeFormatOneDirectory() throws IOException {
    byte[] a1 = RawRecords.formatOne("a", utf8("\"a1\""), T + 1);
    byte[] b1 = RawRecords.formatOne("b", utf8("\"b1\""), T + 2);
    byte[] bDel = RawRecords.formatOne("b", null, T + 3);
    byte[] ahead = RawRecords.formatOne("ahead", utf8("\"ahead\""), AHEAD);
    RawRecords.writeFile(dir.resolve("000001.data"), new byte[0], List.of(a1, b1, bDel, ahead));
    List<FormatOneHintEntry> hint = new ArrayList<>();
    hint.add(new FormatOneHintEntry("a", 0, a1.length, T + 1, false));
    hint.add(new FormatOneHintEntry("b", a1.length, b1.length, T + 2, false));
    hint.add(new FormatOneHintEntry("b", a1.length + b1.length, bDel.length, T + 3, true));
    hint.add(
        new FormatOneHintEntry(
            "ahead", a1.length + b1.length + bDel.length, ahead.length, AHEAD, false));
    Files.write(dir.resolve("000001.hint"), RawRecords.formatOneHint(hint));
    RawRecords.writeFile(
        dir.resolve("000002.data"),
        new byte[0],
        List.of(
            RawRecords.formatOne("a", utf8("\"a2\""), T + 10),
            RawRecords.formatOne("c", utf8("\"c\""), T + 11),
            RawRecords.formatOne("moved", utf8("\"moved\""), T - 500)));
  }

  @Test
  void aFormatOneDirectoryOpensServesAndIsRewrittenByCompaction() throws Exception {
    writeFormatOneDirectory();
    long aheadLocal;
    try (BitcaskEngine e = open()) {
      assertEquals(1, e.recoveryReport().hintsUsed(), "the format-1 hint is read");
      assertTrue(e.recoveryReport().isClean());
      assertEquals("\"a2\"", value(e, "a"));
      assertEquals(T + 10, e.get("a").orElseThrow().version());
      assertEquals(0, e.get("a").orElseThrow().writer(), "format 1 knew no writers");
      assertEquals(null, value(e, "b"));
      assertTrue(e.readRecord("b").orElseThrow().deleted(), "a format-1 tombstone is held");
      assertEquals("\"moved\"", value(e, "moved"));
      assertEquals(4, e.size());
      // New writes go to a format-2 segment, with versions above every version found.
      aheadLocal = await(e.put("new", utf8("1"))).version();
      assertTrue(aheadLocal > AHEAD);
      assertTrue(names().contains("000003.seg"), names().toString());
      // The seq of new records is above every format-1 version (format 1's seq): an import of an
      // older write after a handoff must still win at the next start.
      assertTrue(await(e.handoff("ahead", AHEAD, 0, 0)));
      assertTrue(await(e.importRecord("ahead", utf8("\"older\""), T, 9, 0)));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals("\"older\"", value(e, "ahead"), "recovery by seq, not by version");
      assertEquals("\"a2\"", value(e, "a"));
      assertTrue(await(e.put("a", utf8("\"a3\""))).version() > aheadLocal);
      CompactionResult r = await(e.compact());
      assertTrue(r.segmentsIn() >= 3, r.toString());
      e.checkInvariants();
    }
    List<String> files = names();
    assertFalse(
        files.stream().anyMatch(n -> n.endsWith(".data") || n.endsWith(".hint")),
        "every format-1 file was rewritten: " + files);
    try (BitcaskEngine e = open()) {
      assertEquals("\"a3\"", value(e, "a"));
      assertEquals("\"c\"", value(e, "c"));
      assertEquals(T + 11, e.get("c").orElseThrow().version());
      assertEquals("\"moved\"", value(e, "moved"));
      assertEquals("\"older\"", value(e, "ahead"));
      assertEquals(Optional.empty(), e.get("b"));
      assertEquals(5, e.size());
      assertTrue(e.recoveryReport().hintsUsed() > 0, "format-2 hints written by compaction");
      e.checkInvariants();
    }
  }

  @Test
  void aTornTailOfTheNewestFormatOneSegmentIsCutOnTheFirstOpen() throws Exception {
    writeFormatOneDirectory();
    Path active = dir.resolve("000002.data");
    Bytes.truncateTo(active, Files.size(active) - 3);
    try (BitcaskEngine e = open()) {
      assertEquals(1, e.recoveryReport().tornRecords());
      assertEquals(null, value(e, "moved"));
      assertEquals("\"c\"", value(e, "c"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertTrue(e.recoveryReport().isClean(), "cut once; the format-2 segment is newest now");
    }
  }

  @Test
  void aSegmentOfANewerFormatRefusesToStartAlsoWithRecover() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
    }
    Path newer = dir.resolve("000002.seg");
    byte[] bytes = RawRecords.segmentHeader(3);
    RawRecords.writeFile(newer, bytes, List.of(new byte[] {1, 2, 3}));
    for (boolean recover : new boolean[] {false, true}) {
      NewerFormatException ex =
          assertThrows(
              NewerFormatException.class, () -> BitcaskEngine.open(options().withRecover(recover)));
      assertTrue(ex.getMessage().contains("newer version of px-kvstore"), ex.getMessage());
      assertTrue(ex.getMessage().contains("segment format 3"), ex.getMessage());
      assertTrue(ex.getMessage().contains(newer.toAbsolutePath().toString()), ex.getMessage());
      assertEquals(11, Files.size(newer), "nothing cut");
    }
  }

  @Test
  void aRecordOfAnUnknownKindOrFlagRefusesToStartAndIsNeverCutAsATornTail() throws Exception {
    byte[] put = RawRecords.formatTwo(1, 0, new byte[0], 1, T, 7, "a", utf8("1"));
    List<byte[]> newer =
        List.of(
            RawRecords.formatTwo(9, 0, new byte[0], 2, T + 1, 7, "b", new byte[0]),
            RawRecords.formatTwo(1, 0x02, new byte[1], 2, T + 1, 7, "b", utf8("2")),
            RawRecords.formatTwo(1, 0x40, new byte[2], 2, T + 1, 7, "b", utf8("2")));
    for (byte[] record : newer) {
      for (boolean atTheTail : new boolean[] {true, false}) {
        List<byte[]> records = new ArrayList<>(List.of(put, record));
        if (!atTheTail) records.add(put);
        Path segment = dir.resolve("000001.seg");
        RawRecords.writeFile(segment, RawRecords.segmentHeader(2), records);
        long size = Files.size(segment);
        for (boolean recover : new boolean[] {false, true}) {
          NewerFormatException ex =
              assertThrows(
                  NewerFormatException.class,
                  () -> BitcaskEngine.open(options().withRecover(recover)));
          assertTrue(ex.getMessage().contains("newer version"), ex.getMessage());
          assertTrue(ex.getMessage().contains("byte offset " + (8 + put.length)), ex.getMessage());
          assertEquals(size, Files.size(segment), "nothing cut");
        }
      }
    }
  }

  @Test
  void anIdUsedByBothFormatsRefusesToStart() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("a", utf8("1")));
    }
    // What the previous version leaves when it runs on an upgraded directory and rolls over.
    RawRecords.writeFile(
        dir.resolve("000001.data"), new byte[0], List.of(RawRecords.formatOne("x", utf8("1"), T)));
    IOException ex = assertThrows(IOException.class, this::open);
    assertTrue(ex.getMessage().contains("000001.data"), ex.getMessage());
    assertTrue(ex.getMessage().contains("000001.seg"), ex.getMessage());
    assertTrue(ex.getMessage().contains("older version"), ex.getMessage());
  }
}
