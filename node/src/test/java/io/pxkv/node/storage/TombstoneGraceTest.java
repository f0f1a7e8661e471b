package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long compaction keeps what moves rely on, with the wall clock injected (no sleeps):
 * tombstones for the grace period (judged by their version against the clock) and while held;
 * handoff markers while held, and while an older record of their key may remain outside the
 * compaction.
 */
class TombstoneGraceTest {
  private static final long GRACE_DAYS = 10;
  private static final String PAD = "\"" + "p".repeat(300) + "\"";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final FaultyStorageFiles files = new FaultyStorageFiles();

  private BitcaskEngine open() throws IOException {
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL)
            .withTombstoneGraceMillis(TimeUnit.DAYS.toMillis(GRACE_DAYS));
    return BitcaskEngine.open(options, files, clock);
  }

  private static boolean held(BitcaskEngine e, String key) throws IOException {
    return e.readRecord(key).map(StorageEngine.StoredRecord::deleted).orElse(false);
  }

  /** Writes filler until the active segment rolls over; returns the id of the segment it left. */
  private static int fillSegment(BitcaskEngine e, String tag) {
    int start = e.keyDirectory().segments().size();
    for (int i = 0; e.keyDirectory().segments().size() == start; i++) {
      await(e.put(tag + "-filler-" + i, utf8(PAD)));
    }
    List<Segment> segments = List.copyOf(e.keyDirectory().segments());
    return segments.get(segments.size() - 2).id();
  }

  @Test
  void aTombstoneIsKeptForTheGracePeriodThenDropped() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("k", utf8("1")));
      await(e.delete("k"));
      clock.advance(GRACE_DAYS, TimeUnit.DAYS);
      clock.advance(-1, TimeUnit.SECONDS);
      await(e.compact());
      assertTrue(held(e, "k"), "a second short of the grace period");
      clock.advance(2, TimeUnit.SECONDS);
      await(e.compact());
      assertEquals(Optional.empty(), e.readRecord("k"), "dropped once the grace period is over");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.readRecord("k"), "and the put does not come back");
    }
  }

  @Test
  void theAgeIsTheVersionsNotTheTimeOfTheCompaction() throws Exception {
    try (BitcaskEngine e = open()) {
      long old = clock.micros() - TimeUnit.DAYS.toMicros(GRACE_DAYS + 1);
      // A tombstone moved here from another node, written there eleven days ago.
      assertTrue(await(e.importRecord("moved", null, old, 3, 0)));
      await(e.tombstone("fresh", 0));
      await(e.compact());
      assertEquals(Optional.empty(), e.readRecord("moved"));
      assertTrue(held(e, "fresh"));
      e.checkInvariants();
    }
  }

  @Test
  void heldTombstonesAreKeptWhateverTheirAge() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.tombstone("k", 0));
      e.holdTombstones(true);
      clock.advance(GRACE_DAYS * 3, TimeUnit.DAYS);
      await(e.compact());
      await(e.compact());
      assertTrue(held(e, "k"), "held while a move runs");
      e.holdTombstones(false);
      await(e.compact());
      assertEquals(Optional.empty(), e.readRecord("k"));
      e.checkInvariants();
    }
  }

  @Test
  void holdingTombstonesDuringACompactionKeepsTheOnesItMeantToDrop() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("k", utf8(PAD)));
      await(e.delete("k"));
      fillSegment(e, "a");
      clock.advance(GRACE_DAYS + 1, TimeUnit.DAYS);
      // The compaction decided to drop the tombstone; a move starts before it is done.
      files.beforeNextRename(() -> e.holdTombstones(true));
      await(e.compact());
      assertTrue(held(e, "k"), "still held after the compaction");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertTrue(held(e, "k"), "and after a restart: its segment was kept");
      assertEquals(Optional.empty(), e.get("k"));
      e.checkInvariants();
      await(e.compact()); // not held any more (the hold is not persisted)
      assertEquals(Optional.empty(), e.readRecord("k"));
      e.checkInvariants();
    }
  }

  @Test
  void aHandoffMarkerIsKeptWhileAnOlderRecordMayRemainOutsideTheCompaction() throws Exception {
    try (BitcaskEngine e = open()) {
      long v = await(e.put("k", utf8(PAD))).version();
      fillSegment(e, "a");
      assertTrue(await(e.handoff("k", v, 0, 0)));
      int markerSegment = fillSegment(e, "b");
      await(e.compactSegments(List.of(markerSegment)));
      assertNotNull(e.keyDirectory().handoff("k"), "the put is still in the first segment");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.readRecord("k"), "the marker hides the older put");
      await(e.compact());
      assertNull(e.keyDirectory().handoff("k"), "a full compaction drops the marker");
      assertTrue(e.keyDirectory().handoffs().isEmpty());
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.readRecord("k"), "and the put with it");
      assertFalse(e.keyDirectory().live().containsKey("k"));
    }
  }

  private static List<String> markers(BitcaskEngine e) throws IOException {
    List<String> keys = new ArrayList<>();
    for (StorageEngine.StoredRecord r : e.scanRecords("", null, 1000, true, null)) {
      if (r.handedOff()) keys.add(r.key());
    }
    return keys;
  }

  @Test
  void handoffMarkersAreKeptWhileHeldAndDroppedAfter() throws Exception {
    try (BitcaskEngine e = open()) {
      e.holdTombstones(true);
      long v = await(e.put("k", utf8(PAD))).version();
      fillSegment(e, "a");
      assertTrue(await(e.handoff("k", v, 0, 0)));
      fillSegment(e, "b");
      await(e.compact());
      await(e.compact());
      assertNotNull(e.keyDirectory().handoff("k"), "no older record is left, but a move runs");
      assertEquals(List.of("k"), markers(e));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(List.of("k"), markers(e), "after a restart");
      e.holdTombstones(true); // as the node's cluster layer does at start while a move runs
      await(e.compact());
      assertEquals(List.of("k"), markers(e), "after a restart and a compaction while held");
      e.holdTombstones(false);
      await(e.compact());
      assertNull(e.keyDirectory().handoff("k"), "the move is over: dropped as before");
      assertEquals(List.of(), markers(e));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(List.of(), markers(e));
      assertEquals(Optional.empty(), e.readRecord("k"), "and the put stays gone");
    }
  }

  @Test
  void holdingDuringACompactionKeepsTheMarkersItMeantToDrop() throws Exception {
    try (BitcaskEngine e = open()) {
      long v = await(e.put("k", utf8(PAD))).version();
      assertTrue(await(e.handoff("k", v, 0, 0)));
      fillSegment(e, "a");
      // The compaction decided to drop the marker; a move starts before it is done.
      files.beforeNextRename(() -> e.holdTombstones(true));
      await(e.compact());
      assertEquals(List.of("k"), markers(e), "still there after the compaction");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(List.of("k"), markers(e), "and after a restart: its segment was kept");
      assertEquals(Optional.empty(), e.get("k"));
      await(e.compact()); // not held any more
      assertEquals(List.of(), markers(e));
      assertEquals(Optional.empty(), e.readRecord("k"));
      e.checkInvariants();
    }
  }
}
