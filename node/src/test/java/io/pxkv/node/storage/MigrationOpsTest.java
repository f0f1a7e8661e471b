package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.StorageEngines;
import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.StorageEngine.Stamp;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writes moves between nodes rely on ({@code importRecord}, {@code handoff}, {@code tombstone})
 * on every engine a node can run: a moved older copy never overwrites a newer write or a delete, a
 * copy leaves its old node only if it was not written there since, a key that left can always come
 * back, and equal versions are decided by writer; also across restarts and compactions of the disk
 * engine.
 */
class MigrationOpsTest {
  /** The engines a node can open. */
  enum Kind {
    DISK,
    CACHED_DISK,
    MEMORY
  }

  private static final int ME = 7;
  private static final int OTHER = 0xef7260a1; // above ME as an unsigned number, below as an int

  @TempDir Path dir;
  private Kind kind;
  private StorageEngine engine;

  private StorageEngine open(Kind k) throws IOException {
    kind = k;
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withSyncMode(SyncMode.ALWAYS)
            .withWriterId(ME)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL);
    engine =
        switch (k) {
          case DISK -> StorageEngines.open(options.withCacheBytes(0));
          case CACHED_DISK -> StorageEngines.open(options.withCacheBytes(1 << 20));
          case MEMORY -> new InMemoryEngine(options);
        };
    return engine;
  }

  /** Closes and opens the disk engines again (the memory engine stays as it is). */
  private StorageEngine reopen() throws IOException {
    if (kind == Kind.MEMORY) return engine;
    engine.close();
    return open(kind);
  }

  @AfterEach
  void checkAndClose() throws IOException {
    if (engine == null) return;
    StorageEngine e = engine instanceof CachingEngine c ? c.inner() : engine;
    if (e instanceof BitcaskEngine b) b.checkInvariants();
    engine.close();
  }

  private static long micros() {
    return System.currentTimeMillis() * 1000;
  }

  private static String value(StorageEngine e, String key) throws IOException {
    return e.get(key).map(v -> text(v.value())).orElse(null);
  }

  /**
   * The data loss this design was made against: a key moved away from a node (handed off) and later
   * moved back with the very same write must be live again; a tombstone of the first move used to
   * refuse it, or, let past, a restart used to prefer the tombstone.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aKeyHandedOffAndImportedBackWithTheSameVersionIsLiveAgain(Kind k) throws Exception {
    StorageEngine e = open(k);
    long v = await(e.put("back", utf8("\"v\""))).version();
    assertTrue(await(e.handoff("back", v, ME, 0)), "moved away");
    assertEquals(Optional.empty(), e.get("back"));
    assertEquals(Optional.empty(), e.readRecord("back"), "a handed-off key is absent");
    assertTrue(await(e.importRecord("back", utf8("\"v\""), v, ME, 0)), "moving back");
    assertEquals("\"v\"", value(e, "back"));
    e = reopen();
    assertEquals("\"v\"", value(e, "back"), "after a reopen");
    assertEquals(v, e.get("back").orElseThrow().version(), "the version is kept as it was");
    assertEquals(ME, e.get("back").orElseThrow().writer());
    await(e.compact());
    assertEquals("\"v\"", value(e, "back"), "after a compaction");
    e = reopen();
    assertEquals("\"v\"", value(e, "back"), "after a compaction and a reopen");
    assertEquals(v, e.get("back").orElseThrow().version());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aHandedOffTombstoneDoesNotBlockAnOlderCopyComingBack(Kind k) throws Exception {
    StorageEngine e = open(k);
    TombstoneResult t = await(e.tombstone("k", 0));
    assertTrue(await(e.handoff("k", t.version(), ME, 0)), "the tombstone moved away");
    assertTrue(await(e.importRecord("k", utf8("\"older\""), t.version() - 5, OTHER, 0)));
    e = reopen();
    assertEquals("\"older\"", value(e, "k"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importKeepsTheVersionAndWriterExactly(Kind k) throws Exception {
    StorageEngine e = open(k);
    long foreign = micros() - 1_000_000; // older than the local clock
    assertTrue(await(e.importRecord("k", utf8("[1]"), foreign, OTHER, 0)));
    assertTrue(await(e.importRecord("d", null, foreign + 1, OTHER, 0)), "a tombstone import");
    e = reopen();
    StorageEngine.Versioned got = e.get("k").orElseThrow();
    assertEquals(foreign, got.version());
    assertEquals(OTHER, got.writer());
    assertEquals(
        new StoredRecord("d", null, foreign + 1, OTHER).toString(),
        e.readRecord("d").orElseThrow().toString());
    assertEquals(Optional.empty(), e.get("d"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void equalVersionsAreDecidedByTheWriterAsAnUnsignedNumber(Kind k) throws Exception {
    StorageEngine e = open(k);
    long v = micros();
    assertTrue(await(e.importRecord("k", utf8("\"by 7\""), v, ME, 0)));
    assertFalse(await(e.importRecord("k", utf8("\"again\""), v, ME, 0)), "the same write");
    assertTrue(await(e.importRecord("k", utf8("\"by ef72\""), v, OTHER, 0)), "0xef7260a1 > 7");
    assertFalse(await(e.importRecord("k", utf8("\"by 7\""), v, ME, 0)));
    assertFalse(await(e.importRecord("k", null, v, 8, 0)), "a tombstone by a smaller writer");
    assertTrue(await(e.importRecord("k", null, v, -1, 0)), "0xffffffff is the largest writer");
    e = reopen();
    StoredRecord r = e.readRecord("k").orElseThrow();
    assertTrue(r.deleted());
    assertEquals(-1, r.writer());
    assertFalse(await(e.importRecord("k", utf8("1"), v, OTHER, 0)));
    assertTrue(await(e.importRecord("k", utf8("\"later\""), v + 1, 0, 0)));
    assertEquals("\"later\"", value(e, "k"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tombstoneOnAnAbsentKeyBlocksAnOlderImportAfterReopen(Kind k) throws IOException {
    StorageEngine e = open(k);
    long movedVersion = await(e.put("other", utf8("1"))).version();
    TombstoneResult t = await(e.tombstone("k", 0));
    assertFalse(t.existed());
    assertEquals(Optional.empty(), t.previous());
    assertTrue(t.version() > movedVersion);
    e = reopen();
    assertFalse(await(e.importRecord("k", utf8("\"moved\""), movedVersion, OTHER, 0)));
    assertEquals(Optional.empty(), e.get("k"));
    assertEquals(1, e.size(), "only 'other' is live");
    assertTrue(await(e.importRecord("k", utf8("\"newer\""), t.version() + 1, OTHER, 0)));
    assertEquals("\"newer\"", value(e, "k"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tombstoneSaysWhatTheKeyWasBefore(Kind k) throws IOException {
    StorageEngine e = open(k);
    long live = await(e.put("k", utf8("1"))).version();
    TombstoneResult t = await(e.tombstone("k", 0));
    assertTrue(t.existed());
    assertEquals(Optional.of(new Stamp(live, ME, false)), t.previous());
    assertTrue(t.version() > live);
    assertEquals(Optional.empty(), e.get("k"));
    assertEquals(Optional.empty(), e.getIfCached("k"));
    TombstoneResult again = await(e.tombstone("k", 0));
    assertFalse(again.existed());
    assertEquals(Optional.of(new Stamp(t.version(), ME, true)), again.previous());
    assertTrue(again.version() > t.version());
    assertEquals(Optional.empty(), await(e.delete("k")), "a tombstoned key is absent to delete");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void handoffWithAnotherStampDoesNothing(Kind k) throws IOException {
    StorageEngine e = open(k);
    long first = await(e.put("k", utf8("1"))).version();
    long second = await(e.put("k", utf8("2"))).version();
    assertFalse(await(e.handoff("k", first, ME, 0)));
    assertFalse(await(e.handoff("k", second + 1, ME, 0)));
    assertFalse(await(e.handoff("k", second, OTHER, 0)), "the same version by another writer");
    assertFalse(await(e.handoff("absent", first, ME, 0)));
    e = reopen();
    assertEquals("2", value(e, "k"));
    assertEquals(second, e.get("k").orElseThrow().version());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void handoffQueuedBehindAnOverwriteDoesNothing(Kind k) throws IOException {
    StorageEngine e = open(k);
    long read = await(e.put("k", utf8("\"read by the mover\""))).version();
    // Queued back to back: the writer decides in queue order, so the overwrite always wins.
    CompletableFuture<StorageEngine.PutResult> overwrite = e.put("k", utf8("\"newer\""));
    CompletableFuture<Boolean> handoff = e.handoff("k", read, ME, 0);
    assertFalse(await(handoff));
    assertEquals("\"newer\"", value(e, "k"));
    assertEquals(await(overwrite).version(), e.get("k").orElseThrow().version());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importedOlderCopyNeverReplacesANewerWrite(Kind k) throws IOException {
    StorageEngine e = open(k);
    long live = await(e.put("k", utf8("\"live\""))).version();
    assertFalse(await(e.importRecord("k", utf8("\"moved\""), live - 1, OTHER, 0)));
    assertFalse(await(e.importRecord("k", utf8("\"moved\""), live, ME, 0)));
    assertFalse(await(e.importRecord("k", null, live - 1, OTHER, 0)), "nor an older delete");
    assertEquals("\"live\"", value(e, "k"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importsAdvanceTheClockSoLaterWritesAreNewer(Kind k) throws IOException {
    StorageEngine e = open(k);
    long ahead = micros() + TimeUnit.HOURS.toMicros(1); // from a node whose clock runs ahead
    assertTrue(await(e.importRecord("k", utf8("\"moved\""), ahead, OTHER, 0)));
    assertEquals(ahead, e.get("k").orElseThrow().version());
    long overwrite = await(e.put("k", utf8("\"local\""))).version();
    assertTrue(overwrite > ahead, overwrite + " > " + ahead);
    assertEquals("\"local\"", value(e, "k"));
    assertTrue(await(e.tombstone("other", 0)).version() > overwrite);
    long further = ahead + TimeUnit.HOURS.toMicros(1);
    assertTrue(await(e.importRecord("d", null, further, OTHER, 0)), "an imported tombstone...");
    assertTrue(await(e.put("p", utf8("1"))).version() > further, "...advances it too");
    e = reopen();
    assertTrue(await(e.put("third", utf8("1"))).version() > further, "also after reopen");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importsAboveTheVersionRangeAreRefusedAndNonPositiveOnesSkipped(Kind k) throws IOException {
    StorageEngine e = open(k);
    assertFalse(await(e.importRecord("k", utf8("1"), 0, 0, 0)));
    assertFalse(await(e.importRecord("k", null, -1, 0, 0)));
    for (long bad : new long[] {StorageEngine.MAX_VERSION + 1, Long.MAX_VALUE}) {
      ExecutionException x =
          assertThrows(
              ExecutionException.class,
              () -> e.importRecord("k", utf8("1"), bad, 0, 0).get(30, TimeUnit.SECONDS));
      assertInstanceOf(IllegalArgumentException.class, x.getCause());
    }
    assertEquals(Optional.empty(), e.readRecord("k"));
    assertTrue(await(e.put("k", utf8("1"))).version() < StorageEngine.MAX_VERSION);
  }

  @Test
  void aTombstoneThatCompactionKeepsStillBlocksOlderImportsAfterReopen() throws IOException {
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withSegmentBytes(4096)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL)
            .withTombstoneGraceMillis(0);
    kind = Kind.DISK;
    BitcaskEngine b = BitcaskEngine.open(options);
    engine = b;
    String pad = "\"" + "p".repeat(1000) + "\"";
    long moved = await(b.put("older", utf8(pad))).version(); // stays live in the first segment
    for (int i = 0; b.keyDirectory().segments().size() < 2; i++) await(b.put("f" + i, utf8(pad)));
    await(b.tombstone("k", 0));
    int tombSegment = b.keyDirectory().tombstone("k").segmentId();
    for (int i = 0; lastSegmentId(b) == tombSegment; i++) await(b.put("g" + i, utf8(pad)));
    // Past its grace period, but an older segment outside the compaction may hold an older put of
    // "k": the tombstone stays.
    await(b.compactSegments(List.of(tombSegment)));
    assertNotNull(b.keyDirectory().tombstone("k"));
    b.close();
    BitcaskEngine e = BitcaskEngine.open(options);
    engine = e;
    assertFalse(await(e.importRecord("k", utf8("\"moved\""), moved, OTHER, 0)));
    assertEquals(Optional.empty(), e.get("k"));
  }

  private static int lastSegmentId(BitcaskEngine b) {
    int last = 0;
    for (Segment s : b.keyDirectory().segments()) last = Math.max(last, s.id());
    return last;
  }
}
