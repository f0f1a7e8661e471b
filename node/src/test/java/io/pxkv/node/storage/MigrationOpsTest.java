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

import io.pxkv.node.cache.CachingEngine;
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
 * The writes rebalancing relies on ({@code putIfNewer}, {@code tombstone}, {@code deleteIfVersion})
 * on every engine a node can run: a moved older copy never overwrites a newer write or a delete,
 * and a copy is removed from its old node only if it was not overwritten there, also across
 * restarts of the disk engine.
 */
class MigrationOpsTest {
  /** The engines a node can open. */
  enum Kind {
    DISK,
    CACHED_DISK,
    MEMORY
  }

  @TempDir Path dir;
  private Kind kind;
  private StorageEngine engine;

  private StorageEngine open(Kind k) throws IOException {
    kind = k;
    StorageOptions options = StorageOptions.defaults(dir).withSyncMode(SyncMode.ALWAYS);
    engine =
        switch (k) {
          case DISK -> StorageEngines.open(options.withCacheBytes(0));
          case CACHED_DISK -> StorageEngines.open(options.withCacheBytes(1 << 20));
          case MEMORY -> new InMemoryEngine();
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

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aKeyComingBackPastAnOldTombstoneSurvivesReopen(Kind k) throws Exception {
    StorageEngine e = open(k);
    long v = e.put("back", "\"v\"".getBytes()).get().version();
    assertTrue(e.deleteIfVersion("back", v).get(), "moved away");
    long since = e.clockReading();
    assertTrue(e.putIfNewer("back", "\"v\"".getBytes(), v, since).get(), "moving back");
    long stored = e.currentVersion("back");
    e = reopen();
    assertEquals(
        "\"v\"",
        new String(e.get("back").orElseThrow().value()),
        "not hidden by the old tombstone");
    assertEquals(stored, e.currentVersion("back"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tombstoneOnAnAbsentKeyBlocksAnOlderImportAfterReopen(Kind k) throws IOException {
    StorageEngine e = open(k);
    long movedVersion = await(e.put("other", utf8("1"))).version();
    TombstoneResult t = await(e.tombstone("k"));
    assertFalse(t.existed());
    assertEquals(Optional.empty(), t.previous());
    assertTrue(t.version() > movedVersion);
    e = reopen();
    assertFalse(await(e.putIfNewer("k", utf8("\"moved\""), movedVersion)));
    assertEquals(Optional.empty(), e.get("k"));
    assertEquals(0, e.size() - 1, "only 'other' is live");
    assertTrue(await(e.putIfNewer("k", utf8("\"newer\""), t.version() + 1)));
    assertEquals("\"newer\"", text(e.get("k").orElseThrow().value()));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tombstoneOfALiveKeyNamesTheVersionItReplaced(Kind k) throws IOException {
    StorageEngine e = open(k);
    long live = await(e.put("k", utf8("1"))).version();
    TombstoneResult t = await(e.tombstone("k"));
    assertTrue(t.existed());
    assertEquals(Optional.of(live), t.previous());
    assertTrue(t.version() > live);
    assertEquals(Optional.empty(), e.get("k"));
    assertEquals(Optional.empty(), e.getIfCached("k"));
    TombstoneResult again = await(e.tombstone("k"));
    assertFalse(again.existed());
    assertTrue(again.version() > t.version());
    assertEquals(Optional.empty(), await(e.delete("k")), "a tombstoned key is absent to delete");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void deleteIfVersionWithAStaleVersionDoesNothing(Kind k) throws IOException {
    StorageEngine e = open(k);
    long first = await(e.put("k", utf8("1"))).version();
    long second = await(e.put("k", utf8("2"))).version();
    assertFalse(await(e.deleteIfVersion("k", first)));
    assertFalse(await(e.deleteIfVersion("k", second + 1)));
    assertFalse(await(e.deleteIfVersion("absent", first)));
    e = reopen();
    assertEquals("2", text(e.get("k").orElseThrow().value()));
    assertEquals(second, e.get("k").orElseThrow().version());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void deleteIfVersionWithTheLiveVersionDeletesDurablyAndBlocksOlderImports(Kind k)
      throws IOException {
    StorageEngine e = open(k);
    long v = await(e.put("k", utf8("1"))).version();
    assertTrue(await(e.deleteIfVersion("k", v)));
    assertEquals(Optional.empty(), e.get("k"));
    assertFalse(await(e.deleteIfVersion("k", v)), "already deleted");
    e = reopen();
    assertEquals(Optional.empty(), e.get("k"));
    assertFalse(await(e.putIfNewer("k", utf8("1"), v)), "the removed copy cannot come back");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void deleteIfVersionQueuedBehindAnOverwriteDoesNothing(Kind k) throws IOException {
    StorageEngine e = open(k);
    long read = await(e.put("k", utf8("\"read by the mover\""))).version();
    // Queued back to back: the writer decides in queue order, so the overwrite always wins.
    CompletableFuture<StorageEngine.PutResult> overwrite = e.put("k", utf8("\"newer\""));
    CompletableFuture<Boolean> remove = e.deleteIfVersion("k", read);
    assertFalse(await(remove));
    assertEquals("\"newer\"", text(e.get("k").orElseThrow().value()));
    assertEquals(await(overwrite).version(), e.get("k").orElseThrow().version());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importedOlderCopyNeverReplacesANewerWrite(Kind k) throws IOException {
    StorageEngine e = open(k);
    long live = await(e.put("k", utf8("\"live\""))).version();
    assertFalse(await(e.putIfNewer("k", utf8("\"moved\""), live - 1)));
    assertFalse(await(e.putIfNewer("k", utf8("\"moved\""), live)));
    assertEquals("\"live\"", text(e.get("k").orElseThrow().value()));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void putIfNewerAdvancesTheClockSoLaterWritesAreNewer(Kind k) throws IOException {
    StorageEngine e = open(k);
    long ahead = micros() + TimeUnit.HOURS.toMicros(1); // from a node whose clock runs ahead
    assertTrue(await(e.putIfNewer("k", utf8("\"moved\""), ahead)));
    assertEquals(ahead, e.get("k").orElseThrow().version());
    long overwrite = await(e.put("k", utf8("\"local\""))).version();
    assertTrue(overwrite > ahead, overwrite + " > " + ahead);
    assertEquals("\"local\"", text(e.get("k").orElseThrow().value()));
    assertTrue(await(e.tombstone("other")).version() > overwrite);
    e = reopen();
    assertTrue(await(e.put("third", utf8("1"))).version() > ahead, "also after reopen");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void importsAboveTheVersionRangeAreRefusedAndNonPositiveOnesSkipped(Kind k) throws IOException {
    StorageEngine e = open(k);
    assertFalse(await(e.putIfNewer("k", utf8("1"), 0)));
    assertFalse(await(e.putIfNewer("k", utf8("1"), -1)));
    for (long bad : new long[] {StorageEngine.MAX_VERSION + 1, Long.MAX_VALUE}) {
      ExecutionException x =
          assertThrows(
              ExecutionException.class,
              () -> e.putIfNewer("k", utf8("1"), bad).get(30, TimeUnit.SECONDS));
      assertInstanceOf(IllegalArgumentException.class, x.getCause());
    }
    assertEquals(Optional.empty(), e.get("k"));
    assertTrue(await(e.put("k", utf8("1"))).version() < StorageEngine.MAX_VERSION);
  }

  @Test
  void aTombstoneThatCompactionKeepsStillBlocksOlderImportsAfterReopen() throws IOException {
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withSegmentBytes(4096)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL);
    kind = Kind.DISK;
    BitcaskEngine b = BitcaskEngine.open(options);
    engine = b;
    String pad = "\"" + "p".repeat(1000) + "\"";
    long moved = await(b.put("older", utf8(pad))).version(); // stays live in the first segment
    for (int i = 0; b.keyDirectory().segments().size() < 2; i++) await(b.put("f" + i, utf8(pad)));
    await(b.tombstone("k"));
    int tombSegment = b.keyDirectory().tombstone("k").segmentId();
    for (int i = 0; lastSegmentId(b) == tombSegment; i++) await(b.put("g" + i, utf8(pad)));
    // An older segment outside the compaction may hold an older put of "k": the tombstone stays.
    await(b.compactSegments(List.of(tombSegment)));
    assertNotNull(b.keyDirectory().tombstone("k"));
    StorageEngine e = reopen();
    assertFalse(await(e.putIfNewer("k", utf8("\"moved\""), moved)));
    assertEquals(Optional.empty(), e.get("k"));
  }

  private static int lastSegmentId(BitcaskEngine b) {
    int last = 0;
    for (Segment s : b.keyDirectory().segments()) last = Math.max(last, s.id());
    return last;
  }
}
