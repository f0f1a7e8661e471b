package io.pxkv.node.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pxkv.node.storage.InMemoryEngine;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachingEngineTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An engine whose disk reads can be held after reading and before returning, to replay a slow
   * read finishing after a concurrent write. Like the disk engine, it answers getIfCached with null
   * for keys it holds.
   */
  static final class PausingEngine implements StorageEngine {
    final InMemoryEngine data = new InMemoryEngine();
    volatile CountDownLatch readDone = new CountDownLatch(0);
    volatile CountDownLatch release = new CountDownLatch(0);
    int diskReads;

    @Override
    public Optional<Versioned> get(String key) {
      Optional<Versioned> v = data.get(key);
      diskReads++;
      readDone.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return v;
    }

    @Override
    public Optional<Versioned> getIfCached(String key) {
      return data.get(key).isEmpty() ? Optional.empty() : null;
    }

    @Override
    public long currentVersion(String key) {
      return data.currentVersion(key);
    }

    @Override
    public Optional<StoredRecord> readRecord(String key) {
      return data.readRecord(key);
    }

    @Override
    public CompletableFuture<PutResult> put(String key, byte[] value, long expiresAt, long epoch) {
      return data.put(key, value, expiresAt, epoch);
    }

    @Override
    public CompletableFuture<Optional<Long>> delete(String key, long epoch) {
      return data.delete(key, epoch);
    }

    @Override
    public CompletableFuture<TombstoneResult> tombstone(String key, long epoch) {
      return data.tombstone(key, epoch);
    }

    @Override
    public CompletableFuture<Boolean> importRecord(
        String key, byte[] valueOrNull, long version, int writer, long expiresAt, long epoch) {
      return data.importRecord(key, valueOrNull, version, writer, expiresAt, epoch);
    }

    @Override
    public CompletableFuture<Boolean> handoff(String key, long version, int writer, long epoch) {
      return data.handoff(key, version, writer, epoch);
    }

    @Override
    public CompletableFuture<Long> fence(long epoch) {
      return data.fence(epoch);
    }

    @Override
    public CompletableFuture<Void> open(long epoch, long floor) {
      return data.open(epoch, floor);
    }

    @Override
    public List<Entry> scan(String prefix, String after, int limit) {
      return data.scan(prefix, after, limit);
    }

    @Override
    public List<StoredRecord> scanRecords(
        String prefix,
        String after,
        int limit,
        boolean includeDeleted,
        java.util.function.Predicate<String> keyFilter) {
      return data.scanRecords(prefix, after, limit, includeDeleted, keyFilter);
    }

    @Override
    public long size() {
      return data.size();
    }

    @Override
    public StorageStats stats() {
      return data.stats();
    }

    @Override
    public String writeFailure() {
      return null;
    }

    @Override
    public void close() {}
  }

  private final PausingEngine inner = new PausingEngine();
  private final CachingEngine engine = new CachingEngine(inner, 1 << 20);

  /** Starts a read that stops after reading the disk; returns it once the disk read happened. */
  private CompletableFuture<Optional<StorageEngine.Versioned>> startHeldRead(String key)
      throws InterruptedException {
    inner.readDone = new CountDownLatch(1);
    inner.release = new CountDownLatch(1);
    CompletableFuture<Optional<StorageEngine.Versioned>> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return engine.get(key);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    inner.readDone.await(30, TimeUnit.SECONDS);
    return read;
  }

  @Test
  void missFillsTheCacheAndTheNextReadIsAHit() throws Exception {
    inner.data.put("k", utf8("1")).join();
    assertNull(engine.getIfCached("k"));
    assertArrayEquals(utf8("1"), engine.get("k").orElseThrow().value());
    assertArrayEquals(utf8("1"), engine.getIfCached("k").orElseThrow().value());
    engine.get("k");
    assertEquals(1, inner.diskReads);
    StorageStats s = engine.stats();
    assertEquals(2, s.cacheHits());
    assertEquals(1, s.cacheMisses());
    assertEquals(0.5 + 1.0 / 6, s.cacheHitRatio(), 0.2);
  }

  @Test
  void confirmedWritesUpdateTheCacheAndDeletesClearIt() throws Exception {
    long v = engine.put("k", utf8("1")).join().version();
    assertEquals(v, engine.getIfCached("k").orElseThrow().version());
    engine.delete("k").join();
    assertEquals(Optional.empty(), engine.getIfCached("k"));
    assertNull(engine.cache().lookup("k"));
  }

  @Test
  void slowReadFinishingAfterAPutDoesNotCacheTheOldValue() throws Exception {
    engine.put("k", utf8("old")).join();
    engine.cache().invalidate("k");
    CompletableFuture<Optional<StorageEngine.Versioned>> read = startHeldRead("k");
    long newer = engine.put("k", utf8("new")).join().version();
    inner.release.countDown();
    assertArrayEquals(utf8("old"), read.get(30, TimeUnit.SECONDS).orElseThrow().value());
    assertEquals(newer, engine.cache().lookup("k").version());
    assertArrayEquals(utf8("new"), engine.getIfCached("k").orElseThrow().value());
  }

  @Test
  void slowReadFinishingAfterADeleteDoesNotCacheTheDeletedValue() throws Exception {
    engine.put("k", utf8("old")).join();
    engine.cache().invalidate("k");
    CompletableFuture<Optional<StorageEngine.Versioned>> read = startHeldRead("k");
    engine.delete("k").join();
    inner.release.countDown();
    read.get(30, TimeUnit.SECONDS);
    assertNull(engine.cache().lookup("k"), "a deleted value must not be cached");
    assertEquals(Optional.empty(), engine.getIfCached("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void slowReadOfAnOverwrittenValueLeavesNoStaleEntryEvenWhenTheNewValueIsTooBig()
      throws Exception {
    engine.put("k", utf8("old")).join();
    engine.cache().invalidate("k");
    CompletableFuture<Optional<StorageEngine.Versioned>> read = startHeldRead("k");
    engine.put("k", new byte[1 << 18]).join(); // over an eighth of the cache: never cached
    inner.release.countDown();
    read.get(30, TimeUnit.SECONDS);
    assertNull(engine.cache().lookup("k"));
    assertNull(engine.getIfCached("k"));
    assertNotNull(engine.get("k"));
  }
}
