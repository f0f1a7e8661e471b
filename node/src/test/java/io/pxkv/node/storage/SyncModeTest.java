package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.eventually;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncModeTest {
  @TempDir Path dir;
  private final FaultyStorageFiles files = new FaultyStorageFiles();

  private BitcaskEngine open(SyncMode mode, long intervalMillis) throws Exception {
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withSyncMode(mode)
            .withSyncIntervalMillis(intervalMillis)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL),
        files);
  }

  @Test
  void alwaysFsyncsBeforeAcknowledging() throws Exception {
    try (BitcaskEngine e = open(SyncMode.ALWAYS, 1000)) {
      int before = files.syncs();
      await(e.put("k", utf8("1")));
      assertEquals(before + 1, files.syncs());
    }
  }

  @Test
  void intervalFsyncsAnIdleWriteWithinTheInterval() throws Exception {
    try (BitcaskEngine e = open(SyncMode.INTERVAL, 50)) {
      // Counted before the write: under load its fsync can land before the ack is seen here, and
      // no other fsync would come after it.
      int initial = files.syncs();
      await(e.put("warm-up", utf8("0")));
      eventually(() -> files.syncs() > initial, () -> "the first write was never fsynced");
      int before = files.syncs();
      await(e.put("k", utf8("1")));
      // Nothing else is written: the writer's own deadline must fsync the record.
      eventually(() -> files.syncs() > before, () -> "an idle unsynced write was never fsynced");
      assertEquals(null, e.writeFailure());
    }
  }

  @Test
  void intervalWritesDoNotWaitForAStalledFsync() throws Exception {
    try (BitcaskEngine e = open(SyncMode.INTERVAL, 1)) {
      await(e.put("warm-up", utf8("0")));
      files.holdSyncs();
      int before = files.syncs();
      try {
        for (int i = 0; i < 50 && files.syncs() == before; i++) await(e.put("k" + i, utf8("1")));
        eventually(() -> files.syncs() > before, () -> "no fsync was started");
        // That fsync cannot finish; writes go on being acknowledged regardless.
        for (int i = 0; i < 20; i++) await(e.put("during-" + i, utf8("2")));
        assertEquals("2", text(e.get("during-19").orElseThrow().value()));
      } finally {
        files.releaseSyncs();
      }
      assertEquals(null, e.writeFailure());
    }
    try (BitcaskEngine e = open(SyncMode.INTERVAL, 1)) {
      assertEquals("2", text(e.get("during-19").orElseThrow().value()));
    }
  }

  @Test
  void intervalFsyncFailureStopsWritesAndLeavesNoWriteUnanswered() throws Exception {
    try (BitcaskEngine e = open(SyncMode.INTERVAL, 1)) {
      await(e.put("before", utf8("0")));
      files.failNextSync();
      List<CompletableFuture<StorageEngine.PutResult>> puts = new ArrayList<>();
      for (int i = 0; i < 200 && e.writeFailure() == null; i++) {
        puts.add(e.put("k" + i, utf8("1")));
        Thread.yield();
      }
      eventually(() -> e.writeFailure() != null, () -> "the failed fsync was not reported");
      assertTrue(e.writeFailure().contains("fsync"), e.writeFailure());
      for (CompletableFuture<StorageEngine.PutResult> f : puts) {
        // Each one is answered, one way or the other.
        f.handle((r, t) -> null).get(30, TimeUnit.SECONDS);
      }
      CompletableFuture<StorageEngine.PutResult> later = e.put("later", utf8("2"));
      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> later.get(30, TimeUnit.SECONDS));
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, ((KvException) refused.getCause()).code());
      assertEquals("0", text(e.get("before").orElseThrow().value()));
    }
  }

  @Test
  void neverAcknowledgesWithoutFsyncButClosedSegmentsAreSynced() throws Exception {
    try (BitcaskEngine e = open(SyncMode.NEVER, 1000)) {
      int before = files.syncs();
      for (int i = 0; i < 20; i++) await(e.put("k" + i, utf8("1")));
      assertEquals(before, files.syncs());
    }
    assertTrue(files.syncs() > 0, "close fsyncs what was written");
  }
}
