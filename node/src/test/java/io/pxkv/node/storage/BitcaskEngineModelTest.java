package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations against a TreeMap model, after bitcask's bitcask_qc_fsm: put, delete, get,
 * scan, putIfNewer, and for the disk engine reopen and compact, with small segments and an eager
 * background compaction policy so that compaction races with writes. The seed is in every failure
 * message.
 */
class BitcaskEngineModelTest {
  private static final int OPS = 600;

  @TempDir Path dir;

  private StorageOptions diskOptions() {
    return StorageOptions.defaults(dir)
        .withSegmentBytes(4096)
        .withCacheBytes(16 * 1024)
        .withCompaction(new CompactionPolicy(true, 0.3, 512, 50));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 42, 20260101})
  void diskEngineMatchesTheModel(long seed) throws Exception {
    run(seed, true);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void memoryEngineMatchesTheModel(long seed) throws Exception {
    run(seed, false);
  }

  private StorageEngine open(boolean disk) throws IOException {
    return disk ? StorageEngines.open(diskOptions()) : new InMemoryEngine();
  }

  private void run(long seed, boolean disk) throws Exception {
    Random random = new Random(seed);
    TreeMap<String, String> model = new TreeMap<>();
    Map<String, Long> versions = new HashMap<>();
    StorageEngine engine = open(disk);
    long lastVersion = 0;
    try {
      for (int op = 0; op < OPS; op++) {
        String where = "seed " + seed + ", op " + op;
        String key = randomKey(random);
        int kind = random.nextInt(100);
        if (kind < 40) {
          String value = "\"" + "v".repeat(random.nextInt(120)) + op + "\"";
          StorageEngine.PutResult r = await(engine.put(key, utf8(value)));
          assertEquals(!model.containsKey(key), r.created(), where);
          assertTrue(r.version() > lastVersion, where + ": versions grow");
          lastVersion = r.version();
          model.put(key, value);
          versions.put(key, r.version());
        } else if (kind < 55) {
          Optional<Long> v = await(engine.delete(key));
          assertEquals(model.containsKey(key), v.isPresent(), where);
          if (v.isPresent()) {
            assertTrue(v.get() > lastVersion, where);
            lastVersion = v.get();
            versions.put(key, v.get());
          }
          model.remove(key);
        } else if (kind < 75) {
          Optional<StorageEngine.Versioned> got = engine.get(key);
          assertEquals(Optional.ofNullable(model.get(key)), got.map(g -> text(g.value())), where);
          got.ifPresent(g -> assertEquals(versions.get(key), g.version(), where));
        } else if (kind < 85) {
          checkScan(engine, model, random, where);
        } else if (kind < 90) {
          long old = versions.getOrDefault(key, 0L) + (random.nextBoolean() ? 1 : -1);
          boolean wrote = await(engine.putIfNewer(key, utf8("\"imported\""), old));
          if (model.containsKey(key) || old > versions.getOrDefault(key, 0L)) {
            assertEquals(old > versions.getOrDefault(key, 0L), wrote, where);
          } // else: a tombstone that compaction dropped is forgotten, so either answer is right
          if (wrote) {
            model.put(key, "\"imported\"");
            versions.put(key, old);
          }
        } else if (disk && kind < 95) {
          engine.close();
          engine = open(true);
          check(engine, model, where + " after reopen");
        } else if (disk) {
          await(engine.compact());
          check(engine, model, where + " after compact");
        }
      }
      check(engine, model, "seed " + seed + " at the end");
    } finally {
      engine.close();
    }
    if (disk) {
      try (StorageEngine reopened = open(true)) {
        check(reopened, model, "seed " + seed + " after the final reopen");
      }
    }
  }

  private static String randomKey(Random random) {
    String[] prefixes = {"a", "ab", "b", "user:", "\u00e9/"};
    return prefixes[random.nextInt(prefixes.length)] + random.nextInt(12);
  }

  private static void checkScan(
      StorageEngine engine, TreeMap<String, String> model, Random random, String where)
      throws IOException {
    String prefix = random.nextBoolean() ? "" : randomKey(random).substring(0, 1);
    String after = random.nextBoolean() ? null : randomKey(random);
    int limit = 1 + random.nextInt(8);
    List<String> expected = new ArrayList<>();
    for (String k : model.tailMap(prefix, true).keySet()) {
      if (!k.startsWith(prefix) || expected.size() == limit) break;
      if (after == null || k.compareTo(after) > 0) expected.add(k);
    }
    List<String> got = new ArrayList<>();
    for (StorageEngine.Entry e : engine.scan(prefix, after, limit)) {
      got.add(e.key());
      assertEquals(model.get(e.key()), text(e.value()), where);
    }
    assertEquals(expected, got, where + " scan(" + prefix + ", " + after + ", " + limit + ")");
  }

  private static void check(StorageEngine engine, TreeMap<String, String> model, String where)
      throws IOException {
    assertEquals(model.size(), engine.size(), where);
    for (var e : model.entrySet()) {
      assertEquals(e.getValue(), text(engine.get(e.getKey()).orElseThrow().value()), where);
    }
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<StorageEngine.Entry> page = engine.scan("", after, 7);
      if (page.isEmpty()) break;
      for (StorageEngine.Entry e : page) all.add(e.key());
      after = page.get(page.size() - 1).key();
    }
    assertEquals(new ArrayList<>(model.keySet()), all, where + ": paging lists every key once");
    if (engine instanceof CachingEngine c && c.inner() instanceof BitcaskEngine b) {
      b.checkInvariants();
    }
  }
}
