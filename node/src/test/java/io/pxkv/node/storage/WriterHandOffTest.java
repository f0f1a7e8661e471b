package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.StorageEngine.PutResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How writes reach the {@code kv-write} thread: all of a putAll at once, and no lost wake-up. */
class WriterHandOffTest {
  @TempDir Path dir;

  @Test
  void putAllReachesTheLogInOneWriteInItsOrder() throws Exception {
    FaultyStorageFiles files = new FaultyStorageFiles();
    StorageOptions options =
        StorageOptions.defaults(dir).withCacheBytes(0).withCompaction(CompactionPolicy.MANUAL);
    try (BitcaskEngine e = BitcaskEngine.open(options, files)) {
      List<String> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        keys.add("k" + (i % 150)); // some keys twice: the later value must win
        values.add(utf8(String.valueOf(i)));
      }
      int writesBefore = files.writes();
      List<CompletableFuture<PutResult>> puts = e.putAll(keys, values);
      long previous = 0;
      for (CompletableFuture<PutResult> put : puts) {
        long version = await(put).version();
        assertTrue(version > previous, "versions follow the order of the pairs");
        previous = version;
      }
      assertEquals(1, files.writes() - writesBefore, "write() calls for one putAll of 200 pairs");
      assertEquals(150, e.size());
      assertEquals("199", text(e.get("k49").orElseThrow().value()));
      assertEquals("100", text(e.get("k100").orElseThrow().value()));
      e.checkInvariants();
    }
  }

  /**
   * A writer that waits for each write before the next leaves the queue empty between every two
   * writes, so the writer parks and is woken over and over; a lost wake-up would hang here (with
   * one caller, nobody else comes to wake it), and the timeout turns that into a failure.
   */
  @ParameterizedTest
  @EnumSource(
      value = SyncMode.class,
      names = {"NEVER", "INTERVAL"})
  void aWriterParkedBetweenWritesIsAlwaysWokenUp(SyncMode mode) throws Exception {
    int puts = 20_000;
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withSyncMode(mode)
            .withSyncIntervalMillis(1)
            .withCacheBytes(0)
            .withCompaction(CompactionPolicy.MANUAL);
    try (BitcaskEngine e = BitcaskEngine.open(options)) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            for (int i = 0; i < puts; i++) {
              await(e.put("k" + (i % 100), utf8(String.valueOf(i))));
            }
          });
      assertEquals(100, e.size());
      assertEquals(String.valueOf(puts - 1), text(e.get("k99").orElseThrow().value()));
      e.checkInvariants();
    }
  }
}
