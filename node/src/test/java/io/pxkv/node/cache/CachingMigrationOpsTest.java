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

/** The value cache follows the writes of moves: it never serves a value they removed. */
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
  void handoffDropsTheCachedValue() throws Exception {
    long v = cached("k", "\"cached\"");
    assertTrue(engine.handoff("k", v, 0, 0).join());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.getIfCached("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void handoffThatDoesNotHappenKeepsTheCachedValue() throws Exception {
    long v = cached("k", "\"cached\"");
    assertFalse(engine.handoff("k", v - 1, 0, 0).join());
    assertEquals(v, engine.cache().lookup("k").version());
    assertArrayEquals(utf8("\"cached\""), engine.getIfCached("k").orElseThrow().value());
  }

  @Test
  void tombstoneDropsTheCachedValue() throws Exception {
    cached("k", "\"cached\"");
    assertTrue(engine.tombstone("k", 0).join().existed());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void anImportedTombstoneDropsTheCachedValueAlsoOnAnEqualVersion() throws Exception {
    long v = cached("k", "\"cached\"");
    // The same version from a writer that sorts after this node's (writer 0): a newer write.
    assertTrue(engine.importRecord("k", null, v, 1, 0).join());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.getIfCached("k"));
    assertEquals(Optional.empty(), engine.get("k"));
  }

  @Test
  void anImportOfAnEqualVersionByALargerWriterReplacesTheCachedValue() throws Exception {
    long v = cached("k", "\"mine\"");
    assertTrue(engine.importRecord("k", utf8("\"theirs\""), v, 1, 0).join());
    assertArrayEquals(utf8("\"theirs\""), engine.getIfCached("k").orElseThrow().value());
    assertArrayEquals(utf8("\"theirs\""), engine.get("k").orElseThrow().value());
  }

  @Test
  void importAfterARemovalIsServedAndAnOlderOneNeverIs() throws Exception {
    long v = cached("k", "\"old\"");
    long tomb = engine.tombstone("k", 0).join().version();
    assertFalse(engine.importRecord("k", utf8("\"old\""), v, 0, 0).join());
    assertNull(engine.cache().lookup("k"));
    assertEquals(Optional.empty(), engine.get("k"));
    assertTrue(engine.importRecord("k", utf8("\"moved\""), tomb + 1, 0, 0).join());
    assertEquals(tomb + 1, engine.cache().lookup("k").version());
    assertArrayEquals(utf8("\"moved\""), engine.get("k").orElseThrow().value());
  }

  @Test
  void aKeyHandedOffAndImportedBackIsServedFromTheCache() throws Exception {
    long v = cached("k", "\"v\"");
    assertTrue(engine.handoff("k", v, 0, 0).join());
    assertTrue(engine.importRecord("k", utf8("\"v\""), v, 0, 0).join());
    assertArrayEquals(utf8("\"v\""), engine.getIfCached("k").orElseThrow().value());
  }
}
