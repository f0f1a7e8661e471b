package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.eventually;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
  private static final String FILLER = "\"" + "f".repeat(200) + "\"";

  @TempDir Path dir;
  private final FaultyStorageFiles files = new FaultyStorageFiles();

  private BitcaskEngine open() throws IOException {
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL),
        files);
  }

  private static String value(BitcaskEngine e, String key) throws IOException {
    return e.get(key).map(v -> text(v.value())).orElse(null);
  }

  /** Writes filler until the active segment rolls over; returns the id of the segment it left. */
  private static int fillSegment(BitcaskEngine e, String tag) {
    int start = e.keyDirectory().segments().size();
    for (int i = 0; e.keyDirectory().segments().size() == start; i++) {
      await(e.put(tag + "-filler-" + i, utf8(FILLER)));
    }
    List<Segment> segments = List.copyOf(e.keyDirectory().segments());
    return segments.get(segments.size() - 2).id();
  }

  @Test
  void compactionReclaimsDeadBytesAndKeepsEveryLiveValueAndVersion() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 40; i++)
          await(e.put("k" + i, utf8("\"" + round + "x".repeat(90) + "\"")));
      }
      long version = e.get("k7").orElseThrow().version();
      long before = e.stats().diskBytes();
      CompactionResult r = await(e.compact());
      assertTrue(r.segmentsIn() > 1, r.toString());
      assertTrue(r.bytesReclaimed() > before / 2, r + " of " + before);
      // Plus the header of the segment the writer rolled over to, which is no output.
      assertEquals(before - r.bytesReclaimed() + SegmentHeader.BYTES, e.stats().diskBytes());
      assertEquals(
          e.stats().liveBytes() + (long) SegmentHeader.BYTES * e.stats().segments(),
          e.stats().diskBytes(),
          "only live records (and segment headers) are left");
      assertEquals(40, e.stats().keys());
      assertEquals(40, e.size());
      assertEquals(version, e.get("k7").orElseThrow().version(), "compaction keeps versions");
      assertEquals("\"4" + "x".repeat(90) + "\"", value(e, "k39"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(40, e.size());
      assertEquals("\"4" + "x".repeat(90) + "\"", value(e, "k0"));
      e.checkInvariants();
    }
  }

  @Test
  void racingOverwriteWinsOverTheCompactedCopy() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("hot", utf8("\"old\"")));
      fillSegment(e, "a");
      // The overwrite lands after compaction copied "old" and before it swaps the key directory.
      files.beforeNextRename(() -> await(e.put("hot", utf8("\"new\""))));
      await(e.compact());
      assertEquals("\"new\"", value(e, "hot"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals("\"new\"", value(e, "hot"));
      e.checkInvariants();
    }
  }

  @Test
  void racingDeleteWinsOverTheCompactedCopy() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("hot", utf8("\"old\"")));
      fillSegment(e, "a");
      files.beforeNextRename(() -> await(e.delete("hot")));
      await(e.compact());
      assertEquals(Optional.empty(), e.get("hot"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.get("hot"));
    }
  }

  @Test
  void tombstoneIsKeptWhileAnOlderSegmentMayHoldTheKey() throws Exception {
    int tombstoneSegment;
    try (BitcaskEngine e = open()) {
      await(e.put("gone", utf8("\"v\"")));
      fillSegment(e, "a");
      await(e.delete("gone"));
      tombstoneSegment = fillSegment(e, "b");
      CompactionResult r = await(e.compactSegments(List.of(tombstoneSegment)));
      assertEquals(1, r.segmentsIn());
      assertTrue(e.keyDirectory().tombstone("gone") != null, "the tombstone was copied");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.get("gone"), "the older put must not come back");
      e.checkInvariants();
    }
  }

  @Test
  void deletedKeyStaysDeletedAfterFullCompactionAndReopen() throws Exception {
    try (BitcaskEngine e = openWithoutGrace()) {
      await(e.put("gone", utf8("\"v\"")));
      await(e.put("kept", utf8("\"v\"")));
      fillSegment(e, "a");
      await(e.delete("gone"));
      fillSegment(e, "b");
      await(e.compact());
      assertEquals(Optional.empty(), e.get("gone"));
      assertTrue(
          e.keyDirectory().tombstones().isEmpty(),
          "a full compaction drops tombstones past their grace period");
      e.checkInvariants();
    }
    try (BitcaskEngine e = openWithoutGrace()) {
      assertEquals(Optional.empty(), e.get("gone"));
      assertEquals("\"v\"", value(e, "kept"));
      await(e.compact());
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.get("gone"));
    }
  }

  @Test
  void aFullCompactionKeepsTombstonesYoungerThanTheGracePeriod() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("gone", utf8("\"v\"")));
      fillSegment(e, "a");
      await(e.delete("gone"));
      await(e.compact());
      assertTrue(e.keyDirectory().tombstone("gone") != null, "ten days by default");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      assertEquals(Optional.empty(), e.get("gone"));
      assertTrue(e.readRecord("gone").orElseThrow().deleted());
    }
  }

  private BitcaskEngine openWithoutGrace() throws IOException {
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL)
            .withTombstoneGraceMillis(0),
        files);
  }

  @Test
  void failedPublishLeavesTheStoreAsItWas() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 60; i++) await(e.put("k" + (i % 20), utf8(FILLER)));
      int segments = e.stats().segments();
      files.failNextRename();
      ExecutionException ex =
          assertThrows(ExecutionException.class, () -> e.compact().get(30, TimeUnit.SECONDS));
      assertTrue(ex.getCause() instanceof IOException, ex.toString());
      assertTrue(e.stats().segments() >= segments, "no input was deleted");
      assertEquals(20, e.size());
      e.checkInvariants();
      assertTrue(await(e.compact()).segmentsIn() > 0, "the next compaction succeeds");
      e.checkInvariants();
    }
    try (BitcaskEngine e = open();
        Stream<Path> names = Files.list(dir)) {
      assertTrue(names.noneMatch(p -> p.toString().endsWith(".tmp")));
      assertEquals(20, e.size());
    }
  }

  @Test
  @DamagesAnOpenEngine
  void damagedLiveRecordStopsTheCompactionAndDeletesNothing() throws Exception {
    try (BitcaskEngine e = open()) {
      await(e.put("victim", utf8("\"intact\"")));
      await(e.put("other", utf8("\"fine\"")));
      fillSegment(e, "a");
      KeyDirEntry victim = e.keyDirectory().get("victim");
      Path segment = e.keyDirectory().segment(victim.segmentId()).path();
      try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
        // One byte of the value flipped: the CRC no longer matches.
        file.write(ByteBuffer.wrap(new byte[] {'X'}), victim.offset() + victim.size() - 2);
      }
      int segments = e.stats().segments();
      ExecutionException ex =
          assertThrows(ExecutionException.class, () -> e.compact().get(30, TimeUnit.SECONDS));
      assertTrue(ex.getCause().getMessage().contains("damaged"), ex.toString());
      assertTrue(Files.exists(segment), "the damaged segment is kept");
      assertTrue(e.stats().segments() >= segments, "no input was deleted");
      assertEquals("\"fine\"", value(e, "other"));
    }
  }

  @Test
  void writesGoOnDuringCompaction() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 100; i++) await(e.put("k" + i, utf8(FILLER)));
      var compaction = e.compact();
      for (int i = 0; i < 100; i++) await(e.put("k" + i, utf8("\"" + i + "\"")));
      await(compaction);
      for (int i = 0; i < 100; i++) assertEquals("\"" + i + "\"", value(e, "k" + i));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 100; i++) assertEquals("\"" + i + "\"", value(e, "k" + i));
    }
  }

  @Test
  void policyCompactsSegmentsWithEnoughDeadBytesInTheBackground() throws Exception {
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withCompaction(new CompactionPolicy(true, 0.5, 1024, 20));
    try (BitcaskEngine e = BitcaskEngine.open(options, files)) {
      for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 10; i++) await(e.put("k" + i, utf8(FILLER)));
      }
      eventually(
          () -> e.stats().diskBytes() <= 3 * e.stats().liveBytes() + 8192,
          () -> "no background compaction: " + e.stats());
      assertEquals(10, e.size());
      e.checkInvariants();
    }
  }

  @Test
  void readsDuringCompactionAlwaysFindTheirRecord() throws Exception {
    try (BitcaskEngine e = open()) {
      for (int i = 0; i < 200; i++) await(e.put("k" + i, utf8("\"" + i + "\"")));
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread reader =
            new Thread(
                () -> {
                  for (int n = 0; !stop.get(); n++) {
                    String key = "k" + (n % 200);
                    try {
                      String v = value(e, key);
                      if (!("\"" + (n % 200) + "\"").equals(v)) {
                        throw new AssertionError(key + " read as " + v);
                      }
                    } catch (Throwable x) {
                      failure.compareAndSet(null, x);
                      return;
                    }
                  }
                });
        reader.start();
        readers.add(reader);
      }
      for (int i = 0; i < 8; i++) await(e.compact());
      stop.set(true);
      for (Thread reader : readers) reader.join();
      if (failure.get() != null) throw new AssertionError("a read failed", failure.get());
      e.checkInvariants();
    }
  }
}
