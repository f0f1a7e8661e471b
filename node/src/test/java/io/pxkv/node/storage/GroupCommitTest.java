package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
  private static final int THREADS = 64;
  private static final int PUTS_PER_THREAD = 50;

  @TempDir Path dir;

  @Test
  void concurrentWritersShareFsyncsInAlwaysMode() throws Exception {
    FaultyStorageFiles files = new FaultyStorageFiles();
    StorageOptions options =
        StorageOptions.defaults(dir).withCacheBytes(0).withCompaction(CompactionPolicy.MANUAL);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (BitcaskEngine e = BitcaskEngine.open(options, files)) {
      int syncsBefore = files.syncs();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  List<CompletableFuture<?>> mine = new ArrayList<>();
                  // Each thread keeps a few writes in flight, as concurrent HTTP clients would.
                  for (int i = 0; i < PUTS_PER_THREAD; i++) {
                    mine.add(e.put("t" + thread + "-" + i, utf8("\"v\"")));
                    if (mine.size() == 5) {
                      for (CompletableFuture<?> f : mine) await(f);
                      mine.clear();
                    }
                  }
                  for (CompletableFuture<?> f : mine) await(f);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) f.get();
      int writes = THREADS * PUTS_PER_THREAD;
      int syncs = files.syncs() - syncsBefore;
      assertEquals(writes, e.size());
      assertTrue(syncs * 4 < writes, syncs + " fsyncs for " + writes + " acknowledged writes");
      e.checkInvariants();
    } finally {
      pool.shutdownNow();
    }
  }
}
