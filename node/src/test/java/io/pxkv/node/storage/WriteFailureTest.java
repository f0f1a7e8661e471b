package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injected disk faults: a failed write or fsync is never acknowledged and stops writes. */
class WriteFailureTest {
  @TempDir Path dir;
  private final FaultyStorageFiles files = new FaultyStorageFiles();

  private BitcaskEngine open(SyncMode mode) throws Exception {
    return BitcaskEngine.open(
        StorageOptions.defaults(dir)
            .withSyncMode(mode)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL),
        files);
  }

  private static KvException failure(CompletableFuture<?> f) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return assertInstanceOf(KvException.class, e.getCause());
  }

  @Test
  void failedWriteIsNotAcknowledgedAndStopsWrites() throws Exception {
    try (BitcaskEngine e = open(SyncMode.ALWAYS)) {
      await(e.put("acked", utf8("1")));
      files.failNextWrite();
      KvException ex = failure(e.put("lost", utf8("2")));
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, ex.code());
      assertNotNull(e.writeFailure());
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, failure(e.put("later", utf8("3"))).code());
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, failure(e.delete("acked")).code());
      assertEquals("1", text(e.get("acked").orElseThrow().value()));
      assertEquals(Optional.empty(), e.get("lost"));
      e.checkInvariants();
    }
    try (BitcaskEngine e = open(SyncMode.ALWAYS)) {
      assertNull(e.writeFailure());
      assertEquals("1", text(e.get("acked").orElseThrow().value()));
      assertEquals(Optional.empty(), e.get("later"));
      assertEquals(1, e.recoveryReport().tornRecords(), "the half-written record is cut");
      e.checkInvariants();
    }
  }

  @Test
  void failedFsyncFailsTheWholeBatchAndEarlierDataSurvives() throws Exception {
    try (BitcaskEngine e = open(SyncMode.ALWAYS)) {
      await(e.put("acked", utf8("1")));
      files.failNextSync();
      List<CompletableFuture<StorageEngine.PutResult>> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) batch.add(e.put("k" + i, utf8("2")));
      int failed = 0;
      for (CompletableFuture<StorageEngine.PutResult> f : batch) {
        if (f.handle((r, t) -> t != null).get(30, TimeUnit.SECONDS)) failed++;
      }
      assertTrue(failed > 0, "the batch holding the failed fsync fails");
      assertTrue(e.writeFailure().contains("fsync"), e.writeFailure());
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, failure(e.put("later", utf8("3"))).code());
      assertEquals("1", text(e.get("acked").orElseThrow().value()));
      for (int i = 0; i < 20; i++) {
        // Whatever was acknowledged before the failure is served; nothing after it is.
        assertEquals(batch.get(i).isCompletedExceptionally(), e.get("k" + i).isEmpty());
      }
    }
    try (BitcaskEngine e = open(SyncMode.ALWAYS)) {
      assertEquals("1", text(e.get("acked").orElseThrow().value()));
      e.checkInvariants();
    }
  }
}
