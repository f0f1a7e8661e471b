package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys with an expiry, with the wall clock injected (no test sleeps until a key expires): absent to
 * every read from the millisecond of their expiry, on the disk engine (with and without the cache)
 * and the memory engine; kept across restarts, hints and compaction; reclaimed by the active expiry
 * cycle and by compaction without a read.
 */
class ExpiryTest {
  private static final String PAD = "\"" + "p".repeat(300) + "\"";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();

  @BeforeEach
  void cyclesDrivenByTheTest() {
    // Each test says when expired values turn into tombstones; one test runs the thread.
    BitcaskEngine.backgroundExpiry = false;
    InMemoryEngine.backgroundExpiry = false;
  }

  @AfterEach
  void backgroundExpiryAgain() {
    BitcaskEngine.backgroundExpiry = true;
    InMemoryEngine.backgroundExpiry = true;
  }

  private StorageOptions options() {
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withSegmentBytes(4096)
        .withSyncMode(SyncMode.NEVER)
        .withCompaction(CompactionPolicy.MANUAL);
  }

  private BitcaskEngine openDisk() throws IOException {
    return BitcaskEngine.open(options(), StorageFiles.DISK, clock);
  }

  private StorageEngine open(String kind) throws IOException {
    return switch (kind) {
      case "disk" -> openDisk();
      case "cached" -> new CachingEngine(openDisk(), 1 << 20);
      default -> new InMemoryEngine(0, 0, clock);
    };
  }

  private long in(long seconds) {
    return clock.millis() + TimeUnit.SECONDS.toMillis(seconds);
  }

  /** Whether every read sees {@code key} (true) or none does (false); fails if they disagree. */
  private static boolean visible(StorageEngine e, String key) throws IOException {
    boolean get = e.get(key).isPresent();
    Optional<StorageEngine.Versioned> cached = e.getIfCached(key);
    boolean inMemory = cached == null || cached.isPresent();
    // The background cycle may have turned an expired value into an expiry tombstone already,
    // which readRecord and scanRecords show as deleted: not live either way.
    boolean record = e.readRecord(key).filter(r -> !r.deleted()).isPresent();
    boolean scanned = e.scan("", null, 1000).stream().anyMatch(x -> x.key().equals(key));
    boolean scannedRecords =
        e.scanRecords("", null, 1000, true, null).stream()
            .anyMatch(r -> r.key().equals(key) && !r.deleted());
    boolean versioned = e.currentVersion(key) != 0;
    List<Boolean> all = List.of(get, inMemory, record, scanned, scannedRecords);
    assertTrue(
        all.stream().allMatch(b -> b == get),
        key + ": get, getIfCached, readRecord, scan, scanRecords disagree: " + all);
    if (e.currentVersion(key) != -1) assertEquals(get, versioned, "currentVersion of " + key);
    return get;
  }

  @ParameterizedTest
  @ValueSource(strings = {"disk", "cached", "memory"})
  void aKeyIsAbsentFromEveryReadFromTheMillisecondItExpires(String kind) throws Exception {
    try (StorageEngine e = open(kind)) {
      long expiresAt = in(60);
      assertTrue(await(e.put("t", utf8("1"), expiresAt, 0)).created());
      await(e.put("p", utf8("2")));
      assertEquals(expiresAt, e.get("t").orElseThrow().expiresAt());
      assertEquals(expiresAt, e.scan("t", null, 10).get(0).expiresAt());
      assertEquals(expiresAt, e.readRecord("t").orElseThrow().expiresAt());
      assertEquals(0, e.get("p").orElseThrow().expiresAt());
      clock.advance(60_000 - 1, TimeUnit.MILLISECONDS);
      assertTrue(visible(e, "t"), "a millisecond before");
      clock.advance(1, TimeUnit.MILLISECONDS);
      assertFalse(visible(e, "t"), "at its expiry");
      assertTrue(visible(e, "p"), "a key without expiry stays");
      assertEquals(Optional.empty(), await(e.delete("t")), "deleting an expired key: absent");
      assertTrue(await(e.put("t", utf8("3"))).created(), "written again: a new key");
      clock.advance(3650, TimeUnit.DAYS);
      assertTrue(visible(e, "t"), "a put without ttl makes the key permanent again");
      assertEquals(0, e.get("t").orElseThrow().expiresAt());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"disk", "cached", "memory"})
  void importsKeepTheirExpiry(String kind) throws Exception {
    try (StorageEngine e = open(kind)) {
      long expiresAt = in(30);
      assertTrue(await(e.importRecord("m", utf8("1"), 5, 9, expiresAt, 0)));
      assertEquals(expiresAt, e.get("m").orElseThrow().expiresAt());
      List<StoredRecord> batch =
          List.of(
              StoredRecord.expiring("n", utf8("2"), 6, 9, expiresAt),
              new StoredRecord("o", utf8("3"), 6, 9));
      for (var f : e.importAll(batch, 0)) assertTrue(await(f));
      assertEquals(expiresAt, e.readRecord("n").orElseThrow().expiresAt());
      assertEquals(0, e.readRecord("o").orElseThrow().expiresAt());
      clock.advance(30, TimeUnit.SECONDS);
      assertFalse(visible(e, "m"));
      assertFalse(visible(e, "n"));
      assertTrue(visible(e, "o"));
      // The expired write still orders imports: an older copy does not come back.
      assertFalse(await(e.importRecord("m", utf8("0"), 4, 9, 0, 0)));
      assertFalse(visible(e, "m"));
      // A tombstone over an expired value replaced nothing a read could see.
      assertTrue(await(e.tombstone("m", 0)).previous().isEmpty());
      assertFalse(await(e.tombstone("o", 0)).previous().isEmpty());
    }
  }

  @Test
  void expirySurvivesRestartFromSegmentsAndFromHints() throws Exception {
    long soon = in(60);
    long later = in(120);
    try (BitcaskEngine e = openDisk()) {
      await(e.put("soon", utf8("1"), soon, 0));
      await(e.put("later", utf8("2"), later, 0));
      await(e.put("never", utf8("3")));
    }
    try (BitcaskEngine e = openDisk()) {
      assertEquals(soon, e.get("soon").orElseThrow().expiresAt(), "from the segment");
      for (int i = 0; e.keyDirectory().segments().size() < 3; i++) {
        await(e.put("filler-" + i, utf8(PAD)));
      }
      await(e.compact());
      assertTrue(
          Files.list(dir).anyMatch(p -> p.toString().endsWith(".hnt")), "compaction wrote a hint");
    }
    try (BitcaskEngine e = openDisk()) {
      assertTrue(e.recoveryReport().toString().length() > 0);
      assertEquals(soon, e.get("soon").orElseThrow().expiresAt(), "from the hint");
      assertEquals(later, e.get("later").orElseThrow().expiresAt());
      clock.advance(60, TimeUnit.SECONDS);
      assertFalse(visible(e, "soon"));
      assertTrue(visible(e, "later"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = openDisk()) {
      assertFalse(visible(e, "soon"), "still gone after a restart");
      assertTrue(visible(e, "later"));
      assertTrue(visible(e, "never"));
    }
  }

  @Test
  void theActiveCycleReclaimsExpiredKeysWithoutAReadAndTheyStayGone() throws Exception {
    try (BitcaskEngine e = openDisk()) {
      await(e.put("old", utf8("0"))); // an older record of a key that will expire
      for (int i = 0; i < 200; i++) {
        await(e.put("k" + i, utf8(Integer.toString(i)), i < 150 ? in(10) : in(1000), 0));
      }
      await(e.put("old", utf8("1"), in(10), 0));
      assertEquals(201, e.keyDirectory().expiring().size());
      clock.advance(10, TimeUnit.SECONDS);
      int expired = 0;
      for (int tick = 0; tick < 100 && e.keyDirectory().expiring().size() > 50; tick++) {
        expired += e.expireNow();
      }
      assertEquals(50, e.keyDirectory().expiring().size(), "only the unexpired keys are left");
      assertTrue(expired <= 151);
      for (int i = 0; i < 150; i++) assertNull(e.keyDirectory().get("k" + i), "k" + i);
      assertNull(e.keyDirectory().get("old"));
      e.checkInvariants();
      // The expiry tombstones go at the first compaction: nothing older remains outside it.
      await(e.compact());
      assertNull(e.keyDirectory().tombstone("k1"));
      assertNull(e.keyDirectory().tombstone("old"));
      assertEquals(Optional.empty(), e.readRecord("old"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = openDisk()) {
      assertFalse(visible(e, "old"), "the older record does not come back");
      assertFalse(visible(e, "k1"));
      assertTrue(visible(e, "k160"));
      assertEquals(50, e.keyDirectory().expiring().size());
    }
  }

  @Test
  void theMemoryEngineReclaimsExpiredValuesWithoutARead() throws Exception {
    try (InMemoryEngine e = new InMemoryEngine(0, 0, clock)) {
      for (int i = 0; i < 200; i++) {
        await(e.put("k" + i, utf8(Integer.toString(i)), i < 150 ? in(10) : in(1000), 0));
      }
      await(e.put("again", utf8("0"), in(10), 0));
      await(e.put("again", utf8("1"))); // permanent again
      await(e.put("later", utf8("0"), in(10), 0));
      await(e.put("later", utf8("1"), in(100), 0));
      await(e.importRecord("imported", utf8("2"), 7, 9, in(10), 0));
      assertEquals(0, e.expireDue(), "nothing is due yet");
      clock.advance(10, TimeUnit.SECONDS);
      assertEquals(203, e.size(), "expired values still held until the cycle runs");
      assertEquals(151, e.expireDue());
      assertEquals(52, e.size(), "k150..k199, again, later");
      assertEquals("1", text(e.get("again").orElseThrow().value()));
      assertEquals("1", text(e.get("later").orElseThrow().value()));
      assertTrue(e.get("k0").isEmpty());
      assertTrue(e.readRecord("imported").isEmpty());
      clock.advance(90, TimeUnit.SECONDS);
      assertEquals(1, e.expireDue());
      assertTrue(e.get("later").isEmpty());
      assertEquals(51, e.size());
    }
  }

  @Test
  void theMemoryEngineCycleRunsOnItsOwnThread() throws Exception {
    InMemoryEngine.backgroundExpiry = true;
    try (InMemoryEngine e = new InMemoryEngine(0, 0, clock)) {
      for (int i = 0; i < 100; i++) await(e.put("k" + i, utf8("1"), in(1), 0));
      await(e.put("stays", utf8("1")));
      clock.advance(1, TimeUnit.SECONDS);
      Bytes.eventually(() -> e.size() == 1, () -> e.size() + " values still wait for kv-expire");
      assertTrue(e.get("stays").isPresent());
    }
  }

  @Test
  void theCycleRunsOnItsOwnThread() throws Exception {
    BitcaskEngine.backgroundExpiry = true;
    try (BitcaskEngine e = openDisk()) {
      for (int i = 0; i < 100; i++) await(e.put("k" + i, utf8("1"), in(1), 0));
      clock.advance(1, TimeUnit.SECONDS);
      Bytes.eventually(
          () -> e.keyDirectory().expiring().size() == 0,
          () -> e.keyDirectory().expiring().size() + " keys still wait for kv-expire");
      for (int i = 0; i < 100; i++) assertNull(e.keyDirectory().get("k" + i));
      e.checkInvariants();
    }
  }

  @Test
  void compactionDropsExpiredValuesOnceNoOlderRecordCanRemainOutsideIt() throws Exception {
    try (BitcaskEngine e = openDisk()) {
      await(e.put("a", utf8("0"))); // stays in the first segment
      for (int i = 0; e.keyDirectory().segments().size() < 2; i++) {
        await(e.put("fill1-" + i, utf8(PAD)));
      }
      await(e.put("a", utf8("1"), in(5), 0));
      await(e.put("b", utf8("2"), in(5), 0));
      for (int i = 0; e.keyDirectory().segments().size() < 3; i++) {
        await(e.put("fill2-" + i, utf8(PAD)));
      }
      int second = List.copyOf(e.keyDirectory().segments()).get(1).id();
      clock.advance(5, TimeUnit.SECONDS);
      await(e.compactSegments(List.of(second)));
      // An older segment stays outside: a record of a (or b) older than the expired one may be
      // there, and would be the key's state at restart if the expired record went.
      assertTrue(e.keyDirectory().get("a") != null, "kept: a's older record is outside");
      assertFalse(visible(e, "a"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = openDisk()) {
      assertFalse(visible(e, "a"), "the older record stays hidden after a restart");
      assertFalse(visible(e, "b"));
      await(e.compact());
      assertNull(e.keyDirectory().get("a"), "a whole compaction drops the expired values");
      assertNull(e.keyDirectory().get("b"));
      assertEquals(0, e.keyDirectory().expiring().size());
      e.checkInvariants();
    }
    try (BitcaskEngine e = openDisk()) {
      assertFalse(visible(e, "a"), "and nothing older comes back");
      assertFalse(visible(e, "b"));
      assertNull(e.keyDirectory().get("a"));
    }
  }
}
