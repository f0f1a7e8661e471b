package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.eventually;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
      await(e.put("warm-up", utf8("0")));
      int initial = files.syncs();
      eventually(() -> files.syncs() > initial, () -> "the first write was never fsynced");
      int before = files.syncs();
      await(e.put("k", utf8("1")));
      // Nothing else is written: the writer's own deadline must fsync the record.
      eventually(() -> files.syncs() > before, () -> "an idle unsynced write was never fsynced");
      assertEquals(null, e.writeFailure());
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
