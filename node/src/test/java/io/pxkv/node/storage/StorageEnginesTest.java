package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.StorageEngines;
import io.pxkv.node.cache.CachingEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageEnginesTest {
  @TempDir Path dir;

  @Test
  void diskEngineComesWrappedInTheCacheByDefault() throws Exception {
    try (StorageEngine e = StorageEngines.open(StorageOptions.defaults(dir))) {
      CachingEngine c = assertInstanceOf(CachingEngine.class, e);
      assertInstanceOf(BitcaskEngine.class, c.inner());
      await(e.put("k", utf8("1")));
      assertEquals(StorageOptions.DEFAULT_CACHE_BYTES, e.stats().cacheCapacityBytes());
      assertTrue(e.stats().diskBytes() > 0);
      assertTrue(e.recoveryReport().isClean());
    }
  }

  @Test
  void zeroCacheBytesTurnsTheCacheOff() throws Exception {
    try (StorageEngine e = StorageEngines.open(StorageOptions.defaults(dir).withCacheBytes(0))) {
      assertInstanceOf(BitcaskEngine.class, e);
    }
  }

  @Test
  void memoryEngineWritesNothingToDisk() throws Exception {
    Path unused = dir.resolve("unused");
    try (StorageEngine e =
        StorageEngines.open(StorageOptions.defaults(unused).withEngine("memory"))) {
      assertInstanceOf(InMemoryEngine.class, e);
      await(e.put("k", utf8("1")));
      assertEquals(1, e.size());
    }
    assertTrue(!unused.toFile().exists());
  }

  @Test
  void optionsRejectNonsenseNamingTheField() {
    var ex =
        assertThrows(
            IllegalArgumentException.class,
            () -> StorageOptions.defaults(dir).withSegmentBytes(10));
    assertTrue(ex.getMessage().startsWith("segmentBytes"), ex.getMessage());
    ex =
        assertThrows(
            IllegalArgumentException.class, () -> StorageOptions.defaults(dir).withEngine("tape"));
    assertTrue(ex.getMessage().startsWith("engine"), ex.getMessage());
  }
}
