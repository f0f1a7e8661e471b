package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.cache.CachingEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random operations on keys with and without expiry, against a plain map: puts (with and
 * without ttl), deletes, imports (with and without expiry, older and newer), clock jumps (also to
 * the very millisecond of an expiry), active expiry cycles, whole and partial compactions and
 * restarts, on the disk engine behind the value cache; after every step every key reads exactly as
 * the model says at the clock's time, and the scan lists exactly the model's live keys. The seed
 * and step are in every failure.
 */
class ExpiryModelTest {
  private static final int KEYS = 12;
  private static final int STEPS = 2500;
  private static final String PAD = "p".repeat(120);

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_764_156_000_000L);

  /** A key's newest write in the model: a value (expiring or not) or a delete. */
  private record Write(byte[] value, long version, int writer, long expiresAt) {
    boolean liveAt(long now) {
      return value != null && !StorageEngine.expired(expiresAt, now);
    }
  }

  private StorageEngine open(boolean memory) throws IOException {
    if (memory) return new InMemoryEngine(0, 0, clock);
    StorageOptions options =
        StorageOptions.defaults(dir)
            .withCacheBytes(0)
            .withSegmentBytes(4096)
            .withSyncMode(SyncMode.NEVER)
            .withCompaction(CompactionPolicy.MANUAL);
    return new CachingEngine(BitcaskEngine.open(options, StorageFiles.DISK, clock), 64 << 10);
  }

  private static BitcaskEngine disk(StorageEngine e) {
    return (BitcaskEngine) ((CachingEngine) e).inner();
  }

  @BeforeEach
  void noBackgroundExpiry() {
    // The steps decide when expired values turn into tombstones, so that compactions also meet
    // expired values.
    BitcaskEngine.backgroundExpiry = false;
    InMemoryEngine.backgroundExpiry = false;
  }

  @AfterEach
  void backgroundExpiryAgain() {
    BitcaskEngine.backgroundExpiry = true;
    InMemoryEngine.backgroundExpiry = true;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void randomOperationsMatchAMapModel(long run) throws Exception {
    run(run, false);
  }

  /**
   * The memory engine on the same steps: its expiry passes instead of the disk's cycle, and after
   * each pass no expired value is still held; no compactions or restarts (it has neither).
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void theMemoryEngineMatchesTheModelToo(long run) throws Exception {
    run(run, true);
  }

  private void run(long run, boolean memory) throws Exception {
    long seed = Long.getLong("pxkv.seed", System.nanoTime() ^ run);
    Random random = new Random(seed);
    Map<String, Write> model = new HashMap<>();
    StorageEngine e = open(memory);
    String step = "open";
    try {
      for (int i = 0; i < STEPS; i++) {
        String key = "k" + random.nextInt(KEYS);
        long now = clock.millis();
        Write current = model.get(key);
        int op = random.nextInt(100);
        if (op < 30) {
          long expiresAt = random.nextBoolean() ? 0 : now + 1 + random.nextInt(120_000);
          byte[] value = utf8("\"" + key + "-" + i + (random.nextInt(4) == 0 ? PAD : "") + "\"");
          step = i + ": put " + key + " expiring at " + expiresAt;
          var r = await(e.put(key, value, expiresAt, 0));
          assertEquals(current == null || !current.liveAt(now), r.created(), step + ": created");
          model.put(key, new Write(value, r.version(), e.writerId(), expiresAt));
        } else if (op < 38) {
          step = i + ": delete " + key;
          Optional<Long> deleted = await(e.delete(key));
          assertEquals(current != null && current.liveAt(now), deleted.isPresent(), step);
          if (deleted.isPresent()) model.put(key, new Write(null, deleted.get(), 0, 0));
        } else if (op < 48) {
          // Imports of keys whose newest write expired are left out: once compaction drops the
          // expired record the key is simply absent, and what an older import then does is not
          // the model's business.
          if (current != null && current.value() != null && !current.liveAt(now)) continue;
          long base = current == null ? clock.millis() * 1000 : current.version();
          long version = Math.max(1, base + random.nextInt(2_000_000) - 1_000_000);
          int writer = random.nextInt(3);
          boolean tombstone = random.nextInt(4) == 0;
          long expiresAt =
              tombstone || random.nextBoolean() ? 0 : now + random.nextInt(120_000) - 10_000;
          byte[] value = tombstone ? null : utf8("\"imported-" + i + "\"");
          step = i + ": import " + key + " v" + version + " w" + writer + " exp " + expiresAt;
          boolean wrote = await(e.importRecord(key, value, version, writer, expiresAt, 0));
          boolean newer =
              current == null
                  || WriteOrder.compare(version, writer, current.version(), current.writer()) > 0;
          assertEquals(newer, wrote, step);
          if (wrote) model.put(key, new Write(value, version, writer, expiresAt));
        } else if (op < 62) {
          long jump = random.nextInt(40_000);
          // Now and then exactly to someone's expiry, or a millisecond short of it.
          List<Long> expiries = new ArrayList<>();
          for (Write w : model.values()) if (w.expiresAt() > now) expiries.add(w.expiresAt());
          if (!expiries.isEmpty() && random.nextBoolean()) {
            jump = expiries.get(random.nextInt(expiries.size())) - now - random.nextInt(2);
          }
          step = i + ": clock +" + jump + " ms";
          clock.advance(jump, TimeUnit.MILLISECONDS);
        } else if (op < 66) {
          step = i + ": active expiry";
          if (memory) {
            ((InMemoryEngine) e).expireDue();
            long held = model.values().stream().filter(w -> w.liveAt(clock.millis())).count();
            assertEquals(held, e.size(), "seed " + seed + ", step " + step + ": values held");
          } else {
            disk(e).expireNow();
          }
        } else if (memory && op < 94) {
          step = i + ": get";
        } else if (op < 70) {
          step = i + ": compact all";
          await(e.compact());
          disk(e).checkInvariants();
        } else if (op < 84) {
          List<Integer> closed = new ArrayList<>();
          List<Segment> all = List.copyOf(disk(e).keyDirectory().segments());
          for (int s = 0; s < all.size() - 1; s++) {
            if (random.nextBoolean()) closed.add(all.get(s).id());
          }
          step = i + ": compact " + closed;
          if (!closed.isEmpty()) await(disk(e).compactSegments(closed));
          disk(e).checkInvariants();
        } else if (op < 94) {
          step = i + ": restart";
          e.close();
          e = open(false);
        } else {
          step = i + ": get";
        }
        check(e, model, "seed " + seed + ", step " + step);
      }
    } finally {
      e.close();
    }
  }

  private void check(StorageEngine e, Map<String, Write> model, String where) throws IOException {
    long now = clock.millis();
    TreeMap<String, Write> live = new TreeMap<>();
    for (int k = 0; k < KEYS; k++) {
      String key = "k" + k;
      Write w = model.get(key);
      Optional<StorageEngine.Versioned> got = e.get(key);
      if (w == null || !w.liveAt(now)) {
        assertEquals(Optional.empty(), got, where + ": " + key + " must be absent");
        assertEquals(0, e.currentVersion(key), where + ": " + key);
        continue;
      }
      live.put(key, w);
      assertTrue(got.isPresent(), where + ": " + key + " must be live");
      assertArrayEquals(w.value(), got.get().value(), where + ": value of " + key);
      assertEquals(w.version(), got.get().version(), where + ": version of " + key);
      assertEquals(w.expiresAt(), got.get().expiresAt(), where + ": expiry of " + key);
    }
    List<String> scanned = new ArrayList<>();
    for (var entry : e.scan("", null, 1000)) scanned.add(entry.key());
    assertEquals(List.copyOf(live.keySet()), scanned, where + ": scan");
  }
}
