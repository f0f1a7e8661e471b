package io.pxkv.node.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.StorageOptions;
import io.pxkv.node.storage.SyncMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value cache follows the rebalancing writes: it never serves a value they removed. */
class CachingMigrationOpsTest {
  @TempDir Path dir;
  private CachingEngine engine;

  @BeforeEach
  void open() throws Exception {
    StorageOptions options =
        StorageOptions.defaults(dir).withSyncMode(SyncMode.NEVER).withCacheBytes(0);
    engine = new CachingEngine(BitcaskEngine.open(options), 1 << 20);
  }

  @AfterEach
  void close() throws Exception {
    engine.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Puts {@code value} and reads it back, so it is in the cache. */
  private long cached(String key, String value) throws Exception {
    long v = engine.put(key, utf8(value)).join().version();
    engine.get(key);
    assertEquals(v, engine.cache().lookup(key).version());
    return v;
  }

  @Test
  void deleteIfVersionDropsTheCachedValue() throws Exception {
    long v = cached("k", "\"cached\"");
    assertTrue(engine.deleteIfVersion("k", v).join());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.getIfCached("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void deleteIfVersionThatDoesNotDeleteKeepsTheCachedValue() throws Exception {
    long v = cached("k", "\"cached\"");
    assertFalse(engine.deleteIfVersion("k", v - 1).join());
    assertEquals(v, engine.cache().lookup("k").version());
    assertArrayEquals(utf8("\"cached\""), engine.getIfCached("k").orElseThrow().value());
  }

  @Test
  void tombstoneDropsTheCachedValue() throws Exception {
    cached("k", "\"cached\"");
    assertTrue(engine.tombstone("k").join().existed());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void importAfterARemovalIsServedAndAnOlderOneNeverIs() throws Exception {
    long v = cached("k", "\"old\"");
    long tomb = engine.tombstone("k").join().version();
    assertFalse(engine.putIfNewer("k", utf8("\"old\""), v).join());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.get("k"));
    assertTrue(engine.putIfNewer("k", utf8("\"moved\""), tomb + 1).join());
    assertEquals(tomb + 1, engine.cache().lookup("k").version());
    assertArrayEquals(utf8("\"moved\""), engine.get("k").orElseThrow().value());
  }
}
