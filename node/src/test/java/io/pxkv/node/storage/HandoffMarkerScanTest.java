package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.StorageEngines;
import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A key that left a node says so: {@code scanRecords} with deleted records asked for returns the
 * handoff markers the engine holds, as records marked {@code handedOff} with the version and writer
 * of the write that left, in key order among the live keys and tombstones; without, it returns
 * none. On every engine a node can run, across reopens of the disk engine, and while keys change
 * kind under a running scan.
 */
class HandoffMarkerScanTest {
  enum Kind {
    DISK,
    CACHED_DISK,
    MEMORY
  }

  private static final int ME = 7;
  private static final int OTHER = 0xef7260a1;

  @TempDir Path dir;
  private Kind kind;
  private StorageEngine engine;

  private StorageEngine open(Kind k) throws IOException {
    kind = k;
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withSyncMode(SyncMode.NEVER)
            .withWriterId(ME)
            .withSegmentBytes(4096)
            .withCompaction(CompactionPolicy.MANUAL);
    engine =
        switch (k) {
          case DISK -> StorageEngines.open(options.withCacheBytes(0));
          case CACHED_DISK -> StorageEngines.open(options.withCacheBytes(1 << 20));
          case MEMORY -> new InMemoryEngine(options);
        };
    // Keys move only while the cluster is moving, and the node holds tombstones then.
    engine.holdTombstones(true);
    return engine;
  }

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

  /** Each record as {@code key=value@version/writer}, {@code key=DELETED@..} or {@code =MARKER}. */
  private static List<String> describe(List<StoredRecord> records) {
    List<String> out = new ArrayList<>();
    for (StoredRecord r : records) {
      String what = r.handedOff() ? "MARKER" : r.deleted() ? "DELETED" : text(r.value());
      out.add(r.key() + "=" + what + "@" + r.version() + "/" + r.writer());
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aHandedOffKeyIsAMarkerInScansWithDeletedRecordsOnly(Kind k) throws Exception {
    StorageEngine e = open(k);
    long a = await(e.put("a", utf8("1"))).version();
    long b = await(e.put("b", utf8("2"))).version();
    long c = await(e.tombstone("c", 0)).version();
    long d = System.currentTimeMillis() * 1000 - 5_000_000;
    assertTrue(await(e.importRecord("d", utf8("4"), d, OTHER, 0)));
    long x = await(e.put("x", utf8("9"))).version();
    assertTrue(await(e.handoff("b", b, ME, 0)));
    assertTrue(await(e.handoff("c", c, ME, 0)), "a tombstone leaves as a marker too");
    assertTrue(await(e.handoff("d", d, OTHER, 0)));

    List<String> all =
        List.of(
            "a=1@" + a + "/7",
            "b=MARKER@" + b + "/7",
            "c=MARKER@" + c + "/7",
            "d=MARKER@" + d + "/" + OTHER,
            "x=9@" + x + "/7");
    for (int round = 0; round < 2; round++) {
      String when = round == 0 ? "" : " after a reopen";
      assertEquals(all, describe(e.scanRecords("", null, 100, true, null)), when);
      assertEquals(
          List.of("a=1@" + a + "/7", "x=9@" + x + "/7"),
          describe(e.scanRecords("", null, 100, false, null)),
          "no markers without deleted records" + when);
      assertEquals(all.subList(1, 3), describe(e.scanRecords("", "a", 2, true, null)), when);
      assertEquals(all.subList(2, 4), describe(e.scanRecords("", "b", 2, true, null)), when);
      assertEquals(
          List.of(all.get(0), all.get(2), all.get(4)),
          describe(e.scanRecords("", null, 100, true, key -> !key.equals("b") && !key.equals("d"))),
          "the filter applies to markers" + when);
      assertEquals(all.subList(3, 4), describe(e.scanRecords("d", null, 100, true, null)), when);
      assertEquals(Optional.empty(), e.readRecord("b"), "a marker is absent to a read" + when);
      assertEquals(Optional.empty(), e.get("b"));
      assertEquals(2, e.size());
      e = reopen();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aWriteAfterTheHandoffReplacesTheMarker(Kind k) throws Exception {
    StorageEngine e = open(k);
    for (String key : List.of("back", "deleted", "put")) {
      long v = await(e.put(key, utf8("1"))).version();
      assertTrue(await(e.handoff(key, v, ME, 0)));
    }
    long back = System.currentTimeMillis() * 1000 - 1_000_000;
    assertTrue(await(e.importRecord("back", utf8("\"moved back\""), back, OTHER, 0)));
    long deleted = await(e.tombstone("deleted", 0)).version();
    long put = await(e.put("put", utf8("\"new\""))).version();
    List<String> want =
        List.of(
            "back=\"moved back\"@" + back + "/" + OTHER,
            "deleted=DELETED@" + deleted + "/7",
            "put=\"new\"@" + put + "/7");
    assertEquals(want, describe(e.scanRecords("", null, 10, true, null)));
    e = reopen();
    assertEquals(want, describe(e.scanRecords("", null, 10, true, null)), "after a reopen");
  }

  /**
   * Keys handed off and moved back over and over while scans run: a scan with deleted records never
   * misses a key (it is always live or a marker), and never lists one twice.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aKeyChangingKindUnderAScanIsListedOnce(Kind k) throws Exception {
    StorageEngine e = open(k);
    int n = 400;
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = String.format("k%04d", i);
      keys.add(key);
      await(e.put(key, utf8("\"" + i + "\"")));
    }
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> mover =
        CompletableFuture.supplyAsync(
            () -> {
              int moves = 0;
              try {
                while (!stop.get()) {
                  for (String key : keys) {
                    StorageEngine.Versioned v = e.get(key).orElseThrow();
                    await(e.handoff(key, v.version(), v.writer(), 0));
                    await(e.importRecord(key, v.value(), v.version(), v.writer(), 0));
                    moves++;
                  }
                }
              } catch (IOException ex) {
                throw new IllegalStateException(ex);
              }
              return moves;
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    int scans = 0;
    try {
      while (System.nanoTime() < deadline && !mover.isDone()) {
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String after = null;
        while (true) {
          List<StoredRecord> page = e.scanRecords("", after, 37, true, null);
          for (StoredRecord r : page) {
            assertFalse(r.deleted(), r.key());
            assertTrue(seen.add(r.key()), "listed twice: " + r.key());
            order.add(r.key());
          }
          if (page.size() < 37) break;
          after = page.get(page.size() - 1).key();
        }
        List<String> missing = new ArrayList<>(keys);
        missing.removeAll(seen);
        assertEquals(List.of(), missing, "scan " + scans + " missed keys");
        assertEquals(keys, order, "scan " + scans + " lists every key once, in order");
        scans++;
      }
    } finally {
      stop.set(true);
    }
    assertTrue(mover.get(30, TimeUnit.SECONDS) > n, "keys moved while the scans ran");
    assertTrue(scans > 3, "scans ran: " + scans);
  }
}
