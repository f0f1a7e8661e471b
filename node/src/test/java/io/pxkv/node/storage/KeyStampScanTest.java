package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.StorageEngines;
import io.pxkv.node.storage.StorageEngine.KeyStamp;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code scanStamps}, what anti-entropy digests a node by, lists what {@code scanRecords} with
 * deleted records lists (live values, held tombstones, handoff markers; not expired values), key by
 * key and page by page, only without the values; on every engine a node can run, and after a reopen
 * of the disk engine (stamps rebuilt from the files).
 */
class KeyStampScanTest {
  enum Kind {
    DISK,
    CACHED_DISK,
    MEMORY
  }

  private static final int ME = 7;
  private static final int OTHER = 0x9e3779b9;

  @TempDir Path dir;
  private StorageEngine engine;

  private StorageEngine open(Kind k) throws IOException {
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
    engine.holdTombstones(true);
    return engine;
  }

  @AfterEach
  void close() throws IOException {
    if (engine != null) engine.close();
  }

  private static List<KeyStamp> fromRecords(
      StorageEngine e, String after, int limit, Predicate<String> filter) throws IOException {
    List<KeyStamp> out = new ArrayList<>();
    for (StoredRecord r : e.scanRecords("", after, limit, true, filter)) {
      out.add(new KeyStamp(r.key(), r.version(), r.writer(), r.deleted(), r.handedOff()));
    }
    return out;
  }

  private static void assertSameAsRecords(StorageEngine e, Predicate<String> filter)
      throws IOException {
    for (int limit : new int[] {1, 7, 1000}) {
      String after = null;
      int pages = 0;
      while (true) {
        List<KeyStamp> stamps = e.scanStamps(after, limit, filter);
        assertEquals(fromRecords(e, after, limit, filter), stamps, "after " + after);
        pages++;
        if (stamps.size() < limit) break;
        after = stamps.get(stamps.size() - 1).key();
      }
      assertTrue(pages >= 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void stampsAreTheRecordsWithoutTheirValues(Kind kind) throws IOException {
    StorageEngine e = open(kind);
    Random random = new Random(11);
    for (int i = 0; i < 300; i++) {
      String key = "k" + random.nextInt(120);
      switch (random.nextInt(5)) {
        case 0 -> await(e.delete(key));
        case 1 -> await(e.tombstone(key, 0));
        case 2 -> await(e.importRecord(key, utf8("" + i), 1L << 55 | i, OTHER, 0));
        case 3 -> {
          StoredRecord r = e.readRecord(key).orElse(null);
          if (r != null) await(e.handoff(key, r.version(), r.writer(), 0));
        }
        default -> await(e.put(key, utf8("{\"i\":" + i + "}")));
      }
    }
    // An expired value is absent to both.
    await(e.put("expired", utf8("1"), e.clockMillis() - 1000, 0));
    List<KeyStamp> all = e.scanStamps(null, 10_000, null);
    assertTrue(all.stream().anyMatch(KeyStamp::deleted), "tombstones listed");
    assertTrue(all.stream().anyMatch(KeyStamp::handedOff), "markers listed");
    assertTrue(all.stream().noneMatch(s -> s.key().equals("expired")), "expired: absent");
    assertSameAsRecords(e, null);
    assertSameAsRecords(e, key -> key.hashCode() % 3 == 0);
    if (kind != Kind.MEMORY) {
      engine.close();
      e = open(kind);
      assertEquals(all, e.scanStamps(null, 10_000, null), "after a reopen");
      assertSameAsRecords(e, null);
    }
  }
}
