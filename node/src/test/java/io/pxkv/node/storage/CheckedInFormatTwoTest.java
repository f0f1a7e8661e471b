package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by px-kvstore 0.1 (format 2), checked in as bytes: it must open, serve
 * exactly what was written and survive compaction in every later version, whatever the format grows
 * to. Written by writer {@code ef7260a1} (node-1) with its clock fixed at 2026-11-26T11:20:00Z:
 * segment 3 is compaction output with its hint (a held tombstone and a handoff marker among its
 * records), segment 2 a closed segment without a hint, segment 5 the active one (an overwrite, a
 * non-ASCII key, an import from writer 9, a handoff, an empty value).
 */
class CheckedInFormatTwoTest {
  private static final List<String> FILES =
      List.of("000002.seg", "000003.hnt", "000003.seg", "000005.seg");

  /**
   * Every key as {@code scanRecords} with deleted records shows it: key kind version writer value.
   */
  private static final List<String> EXPECTED =
      List.of(
          "empty live 1795692000000011 ef7260a1 0 ",
          "gone marker 1795692000000003 ef7260a1 -",
          "moved live 1764000000000000 00000009 3 \"m\"",
          "pad0 live 1795692000000006 ef7260a1 1002 \"xxxxxxxxx",
          "pad1 live 1795692000000007 ef7260a1 1002 \"xxxxxxxxx",
          "user:1 live 1795692000000008 ef7260a1 8 \"alice2\"",
          "user:2 deleted 1795692000000002 ef7260a1 -",
          "user:3 marker 1795692000000010 ef7260a1 -",
          "\u00e9/\u043a\u043b\u044e\u0447 live 1795692000000009 ef7260a1 12 [1,2.5,nul");

  @TempDir Path dir;

  private BitcaskEngine open() throws IOException {
    // The clock an hour after the writes, so that the tombstone is always young.
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL)
            .withWriterId(7),
        StorageFiles.DISK,
        Clock.fixed(Instant.parse("2026-11-26T12:20:00Z"), ZoneOffset.UTC));
  }

  private static List<String> contents(BitcaskEngine e) throws IOException {
    return e.scanRecords("", null, 100, true, null).stream()
        .map(CheckedInFormatTwoTest::describe)
        .toList();
  }

  private static String describe(StoredRecord r) {
    String kind = r.handedOff() ? "marker" : r.deleted() ? "deleted" : "live";
    String value = "-";
    if (r.value() != null) {
      String v = text(r.value());
      value = r.value().length + " " + v.substring(0, Math.min(10, v.length()));
    }
    return String.format("%s %s %d %08x %s", r.key(), kind, r.version(), r.writer(), value);
  }

  @Test
  void theDirectoryOpensServesEveryRecordAndSurvivesCompactionAndRestart() throws Exception {
    for (String name : FILES) {
      try (InputStream in = getClass().getResourceAsStream("/format2-0.1/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    try (BitcaskEngine e = open()) {
      assertTrue(e.recoveryReport().isClean(), e.recoveryReport().toString());
      assertEquals(1, e.recoveryReport().hintsUsed(), "the checked-in hint is read");
      assertEquals(EXPECTED, contents(e));
      assertEquals(6, e.size());
      assertEquals("\"alice2\"", text(e.get("user:1").orElseThrow().value()));
      assertTrue(
          await(e.put("user:4", Bytes.utf8("4"))).version() > 1795692000000011L,
          "new versions above every version found");
      e.checkInvariants();
      await(e.compact());
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      List<String> after = contents(e);
      // The full compaction dropped the markers (no move held them) and kept the young
      // tombstone; everything else is as written.
      assertEquals(
          EXPECTED.stream().filter(line -> !line.contains(" marker ")).toList(),
          after.stream().filter(line -> !line.startsWith("user:4 ")).toList());
      assertEquals(7, e.size());
      e.checkInvariants();
    }
  }
}
