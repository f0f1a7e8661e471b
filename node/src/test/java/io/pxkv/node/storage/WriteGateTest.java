package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.StorageEngines;
import io.pxkv.node.cache.CachingEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The epoch gate: tagged writes pass only between the fenced and the open epoch, untagged ones
 * always; {@code fence} and {@code open} are ordered with the writes queued around them.
 */
class WriteGateTest {
  enum Kind {
    DISK,
    CACHED_DISK,
    MEMORY
  }

  @TempDir Path dir;
  private StorageEngine engine;

  private StorageEngine open(Kind k) throws IOException {
    StorageOptions options = StorageOptions.defaults(dir).withSyncMode(SyncMode.NEVER);
    engine =
        switch (k) {
          case DISK -> StorageEngines.open(options.withCacheBytes(0));
          case CACHED_DISK -> StorageEngines.open(options.withCacheBytes(1 << 20));
          case MEMORY -> new InMemoryEngine(options);
        };
    return engine;
  }

  @AfterEach
  void checkAndClose() throws IOException {
    StorageEngine e = engine instanceof CachingEngine c ? c.inner() : engine;
    if (e instanceof BitcaskEngine b) b.checkInvariants();
    engine.close();
  }

  private static void assertStale(CompletableFuture<?> write, String what) {
    ExecutionException x =
        assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS), what);
    KvException k = assertInstanceOf(KvException.class, x.getCause(), what);
    assertEquals(ErrorCode.STALE_VIEW, k.code(), what);
    assertEquals(409, k.code().status());
  }

  /** Every kind of write, tagged {@code epoch}. */
  private static List<Supplier<CompletableFuture<?>>> writes(StorageEngine e, long epoch) {
    return List.of(
        () -> e.put("k", utf8("1"), epoch),
        () -> e.putAll(List.of("k", "j"), List.of(utf8("1"), utf8("2")), epoch).get(1),
        () -> e.delete("k", epoch),
        () -> e.tombstone("t", epoch),
        () -> e.importRecord("i", utf8("1"), 5, 1, epoch),
        () -> e.handoff("k", 1, 0, epoch));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void taggedWritesWaitForAnOpenEpochAndUntaggedOnesNever(Kind k) throws Exception {
    StorageEngine e = open(k);
    for (var write : writes(e, 1)) assertStale(write.get(), "before any open");
    for (var write : writes(e, 0)) await(write.get());
    long floor = System.currentTimeMillis() * 1000 + TimeUnit.HOURS.toMicros(2);
    await(e.open(1, floor));
    for (var write : writes(e, 1)) await(write.get());
    assertTrue(await(e.put("k", utf8("2"), 1)).version() > floor, "the clock is above the floor");
    for (var write : writes(e, 2)) assertStale(write.get(), "above the open epoch");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFenceRefusesOlderTagsAndReadsTheClockAboveEveryVersion(Kind k) throws Exception {
    StorageEngine e = open(k);
    await(e.open(3, 0));
    // Queued back to back, with no wait in between: the gate sits between them in the queue.
    CompletableFuture<StorageEngine.PutResult> before = e.put("k", utf8("\"before\""), 3);
    CompletableFuture<Long> fence = e.fence(4);
    CompletableFuture<StorageEngine.PutResult> after = e.put("k", utf8("\"after\""), 3);
    long version = await(before).version();
    long reading = await(fence);
    assertTrue(reading > version, "the reading is above the write queued before the fence");
    assertStale(after, "tagged with the fenced epoch's predecessor");
    assertEquals("\"before\"", new String(e.get("k").orElseThrow().value()));
    for (var write : writes(e, 4)) assertStale(write.get(), "fenced but not open yet");
    await(e.put("u", utf8("1"), 0)); // untagged: served as ever
    await(e.open(4, reading));
    for (var write : writes(e, 4)) await(write.get());
    assertTrue(await(e.put("k", utf8("2"), 4)).version() > reading);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void lowerOrEqualEpochsChangeNothingButStillReadTheClock(Kind k) throws Exception {
    StorageEngine e = open(k);
    await(e.open(5, 0));
    await(e.fence(5));
    long first = await(e.fence(2));
    await(e.put("k", utf8("1"), 5));
    long second = await(e.fence(5));
    assertTrue(second > first);
    await(e.open(3, 0)); // an older open: epoch 5 stays open
    await(e.put("k", utf8("2"), 5));
    assertStale(e.put("k", utf8("3"), 4), "below the fence");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aRefusedWriteChangesNothing(Kind k) throws Exception {
    StorageEngine e = open(k);
    await(e.put("k", utf8("\"kept\"")));
    assertStale(e.delete("k", 9), "a delete");
    assertStale(e.tombstone("k", 9), "a tombstone");
    assertEquals("\"kept\"", new String(e.get("k").orElseThrow().value()));
    assertEquals(Optional.empty(), e.readRecord("t"));
    assertFalse(e.readRecord("k").orElseThrow().deleted());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFloorAboveTheVersionRangeIsRefused(Kind k) throws Exception {
    StorageEngine e = open(k);
    ExecutionException x =
        assertThrows(
            ExecutionException.class,
            () -> e.open(1, StorageEngine.MAX_VERSION + 1).get(30, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, x.getCause());
  }
}
