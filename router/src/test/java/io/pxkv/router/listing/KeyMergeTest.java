package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.KeyOrder;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KeyMergeTest {
  @Test
  void theNewestCopyOfAKeyWinsWhicheverNodeSendsIt() {
    KeyMerge merge = new KeyMerge(3);
    merge.add(0, live("a", 5, 1, "old"));
    merge.add(1, live("a", 9, 2, "new"));
    merge.add(2, live("a", 7, 3, "middle"));
    merge.add(2, live("b", 1, 3, "only"));
    for (int i = 0; i < 3; i++) merge.end(i);
    assertEquals(live("a", 9, 2, "new"), merge.next());
    assertEquals(live("b", 1, 3, "only"), merge.next());
    assertNull(merge.next());
    assertTrue(merge.finished());
  }

  @Test
  void aTombstoneHidesOlderCopiesAndIsHiddenByNewerOnes() {
    KeyMerge merge = new KeyMerge(2);
    merge.add(0, live("a-gone", 5, 1, "1"));
    merge.add(1, tombstone("a-gone", 6, 1));
    merge.add(0, tombstone("b-back", 5, 1));
    merge.add(1, live("b-back", 8, 1, "2"));
    merge.end(0);
    merge.end(1);
    ScanRecord gone = merge.next();
    assertEquals("a-gone", gone.key());
    assertTrue(gone.deleted());
    ScanRecord back = merge.next();
    assertFalse(back.deleted());
    assertEquals(live("b-back", 8, 1, "2"), back);
  }

  @Test
  void aMarkerIsTheKeysRecordOnlyWhenNoScanHasItsWriteOrANewerOne() {
    KeyMerge merge = new KeyMerge(3);
    merge.add(0, marker("a-arrived", 5, 1));
    merge.add(1, live("a-arrived", 5, 1, "the copy"));
    merge.add(1, marker("b-newer", 5, 1));
    merge.add(2, tombstone("b-newer", 6, 1));
    merge.add(0, live("c-left-after", 5, 1, "old"));
    merge.add(2, marker("c-left-after", 7, 2));
    merge.add(0, marker("d-only", 5, 1));
    merge.add(2, marker("d-only", 5, 1));
    for (int i = 0; i < 3; i++) merge.end(i);
    assertEquals(live("a-arrived", 5, 1, "the copy"), merge.next());
    assertTrue(merge.next().deleted());
    assertEquals(marker("c-left-after", 7, 2), merge.next(), "a newer write left: read it");
    assertTrue(merge.next().handedOff());
    assertNull(merge.next());
  }

  @Test
  void equalVersionsAreOrderedByWriterAsUnsignedNumbers() {
    KeyMerge merge = new KeyMerge(2);
    int high = 0x9000_0000; // negative as an int, larger than 7 unsigned
    merge.add(0, live("k", 100, 7, "low writer"));
    merge.add(1, live("k", 100, high, "high writer"));
    merge.add(0, live("m", 100, high, "high writer first"));
    merge.add(1, live("m", 100, 7, "low writer second"));
    merge.end(0);
    merge.end(1);
    assertEquals("\"high writer\"", merge.next().value().toString());
    assertEquals("\"high writer first\"", merge.next().value().toString());
  }

  @Test
  void emptyScansAndNoScansAtAllFinishAtOnce() {
    KeyMerge none = new KeyMerge(0);
    assertNull(none.next());
    assertTrue(none.finished());
    KeyMerge empty = new KeyMerge(2);
    assertNull(empty.next());
    assertFalse(empty.finished());
    assertTrue(empty.waitingFor(0) && empty.waitingFor(1));
    empty.end(0);
    empty.add(1, live("x", 1, 0, "1"));
    empty.end(1);
    assertEquals("x", empty.next().key());
    assertNull(empty.next());
    assertTrue(empty.finished());
  }

  @Test
  void oneScanComesThroughAsItIs() {
    KeyMerge merge = new KeyMerge(1);
    List<ScanRecord> sent =
        List.of(live("a", 3, 0, "1"), tombstone("b", 4, 0), live("c", 2, 0, "3"));
    for (ScanRecord r : sent) merge.add(0, r);
    List<ScanRecord> out = new ArrayList<>();
    for (ScanRecord r = merge.next(); r != null; r = merge.next()) out.add(r);
    assertEquals(sent, out, "a scan holding a record can send nothing before it");
    assertFalse(merge.finished());
    assertTrue(merge.waitingFor(0));
    merge.end(0);
    assertNull(merge.next());
    assertTrue(merge.finished());
  }

  @Test
  void aKeyIsHeldBackOnlyWhileAnotherScanMayStillSendIt() {
    KeyMerge merge = new KeyMerge(2);
    merge.add(0, live("b", 1, 0, "1"));
    merge.add(0, live("d", 1, 0, "1"));
    assertNull(merge.next(), "lane 1 has sent nothing: it may still send a key before b");
    assertTrue(merge.waitingFor(1));
    assertFalse(merge.waitingFor(0));
    merge.add(1, live("a", 1, 0, "1"));
    merge.add(1, live("c", 1, 0, "1"));
    assertEquals("a", merge.next().key());
    assertEquals("b", merge.next().key());
    assertEquals("c", merge.next().key());
    assertNull(merge.next(), "lane 1 may still send a key between c and d");
    assertTrue(merge.waitingFor(1));
    merge.add(1, live("e", 1, 0, "1"));
    assertEquals("d", merge.next().key());
    assertNull(merge.next(), "lane 0 is empty and may still send e");
    assertTrue(merge.waitingFor(0));
    assertFalse(merge.waitingFor(1));
    merge.add(0, live("e", 2, 0, "newer"));
    ScanRecord e = merge.next();
    assertEquals(2, e.version());
    assertNull(merge.next());
    assertFalse(merge.finished());
  }

  @Test
  void aScanOutOfOrderOrPastItsEndIsRefused() {
    KeyMerge merge = new KeyMerge(1);
    merge.add(0, live("b", 1, 0, "1"));
    assertThrows(IllegalArgumentException.class, () -> merge.add(0, live("a", 1, 0, "1")));
    assertThrows(IllegalArgumentException.class, () -> merge.add(0, live("b", 2, 0, "1")));
    // UTF-8 order, not UTF-16: U+E000 sorts before an emoji.
    merge.add(0, live("b\uE000", 1, 0, "1"));
    merge.add(0, live("b\uD83D\uDE80", 1, 0, "1"));
    merge.end(0);
    assertThrows(IllegalArgumentException.class, () -> merge.add(0, live("c", 1, 0, "1")));
  }

  @Test
  void heldBytesFollowWhatIsBufferedPerScan() {
    KeyMerge merge = new KeyMerge(2);
    assertEquals(0, merge.heldBytes(0));
    ScanRecord r = live("a", 1, 0, "x".repeat(1000));
    merge.add(0, r);
    assertEquals(r.size(), merge.heldBytes(0));
    merge.add(1, live("b", 1, 0, "1"));
    assertSame(r, merge.next());
    assertEquals(0, merge.heldBytes(0));
    assertEquals("a", merge.lastKey(0));
  }

  /**
   * Random copies of random keys (some deleted, some with equal versions) spread over random scans,
   * fed in random slices and in random order, against a TreeMap of the newest record of each key:
   * the merge gives exactly its entries, in order, however the input is cut.
   */
  @Test
  void mergingRandomScansGivesTheNewestRecordOfEveryKeyInOrder() {
    Random random = new Random(1204L);
    String[] parts = {"a", "b", "ab", "z", "\u00e9", "\uE000", "\uD83D\uDE80", "/", "0"};
    for (int round = 0; round < 300; round++) {
      int lanes = 1 + random.nextInt(5);
      List<TreeMap<String, ScanRecord>> scans = new ArrayList<>();
      for (int i = 0; i < lanes; i++) scans.add(new TreeMap<>(KeyOrder.UTF8));
      Map<String, ScanRecord> sameWrite = new HashMap<>();
      int keys = random.nextInt(60);
      for (int k = 0; k < keys; k++) {
        StringBuilder key = new StringBuilder();
        for (int j = 1 + random.nextInt(3); j > 0; j--) {
          key.append(parts[random.nextInt(parts.length)]);
        }
        int copies = 1 + random.nextInt(lanes);
        for (int c = 0; c < copies; c++) {
          long version = 1 + random.nextInt(4);
          int writer = random.nextBoolean() ? random.nextInt(3) : 0x8000_0000 + random.nextInt(3);
          boolean deleted = random.nextInt(4) == 0;
          // One write (version, writer) of a key is the same record wherever it is.
          ScanRecord fresh =
              deleted
                  ? tombstone(key.toString(), version, writer)
                  : live(key.toString(), version, writer, key + "@" + version + "/" + writer);
          ScanRecord r = sameWrite.computeIfAbsent(key + "@" + version + "/" + writer, w -> fresh);
          scans.get(random.nextInt(lanes)).put(r.key(), r);
        }
      }
      // The model: the newest of the copies the scans hold (one per key and scan).
      TreeMap<String, ScanRecord> model = new TreeMap<>(KeyOrder.UTF8);
      for (TreeMap<String, ScanRecord> scan : scans) {
        for (ScanRecord r : scan.values()) {
          model.merge(r.key(), r, (a, b) -> laterWrite(a, b));
        }
      }
      assertEquals(new ArrayList<>(model.values()), mergeInRandomSlices(scans, random));
    }
  }

  private static List<ScanRecord> mergeInRandomSlices(
      List<TreeMap<String, ScanRecord>> scans, Random random) {
    KeyMerge merge = new KeyMerge(scans.size());
    List<List<ScanRecord>> pending = new ArrayList<>();
    for (TreeMap<String, ScanRecord> scan : scans) pending.add(new ArrayList<>(scan.values()));
    List<ScanRecord> out = new ArrayList<>();
    int steps = 0;
    while (!merge.finished()) {
      assertTrue(steps++ < 100_000, "the merge made no progress");
      // Feed a random lane that still has input (preferring one the merge waits for at times).
      int lane = random.nextInt(scans.size());
      if (random.nextBoolean()) {
        for (int i = 0; i < scans.size(); i++) {
          if (merge.waitingFor(i)) lane = i;
        }
      }
      List<ScanRecord> left = pending.get(lane);
      if (!merge.ended(lane)) {
        int n = Math.min(left.size(), random.nextInt(4));
        for (int i = 0; i < n; i++) merge.add(lane, left.remove(0));
        if (left.isEmpty() && random.nextInt(3) == 0) merge.end(lane);
      }
      for (ScanRecord r = merge.next(); r != null; r = merge.next()) out.add(r);
    }
    return out;
  }

  /** The later of two writes of a key: larger version, then larger writer as unsigned. */
  private static ScanRecord laterWrite(ScanRecord a, ScanRecord b) {
    int byVersion = Long.compare(a.version(), b.version());
    if (byVersion != 0) return byVersion > 0 ? a : b;
    return Long.compare(a.writer() & 0xFFFF_FFFFL, b.writer() & 0xFFFF_FFFFL) >= 0 ? a : b;
  }

  static ScanRecord live(String key, long version, int writer, String text) {
    return new ScanRecord(key, Buffer.buffer("\"" + text + "\""), version, writer);
  }

  static ScanRecord tombstone(String key, long version, int writer) {
    return new ScanRecord(key, null, version, writer);
  }

  static ScanRecord marker(String key, long version, int writer) {
    return new ScanRecord(key, null, version, writer, true);
  }
}
