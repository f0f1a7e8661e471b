package io.pxkv.node.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.StorageEngine.Versioned;
import org.junit.jupiter.api.Test;

class LruCacheTest {
  private static Versioned value(int bytes, long version) {
    return new Versioned(new byte[bytes], version);
  }

  /** Weight of a one-char key with a value of {@code bytes}. */
  private static long weight(int bytes) {
    return 2 + bytes + LruCache.ENTRY_OVERHEAD_BYTES;
  }

  @Test
  void evictsLeastRecentlyUsedToStayWithinItsBytes() {
    LruCache cache = new LruCache(weight(100) * 8);
    for (int i = 0; i < 8; i++) cache.putIfNewer("" + (char) ('a' + i), value(100, 1), () -> true);
    assertEquals(weight(100) * 8, cache.bytes());
    assertNotNull(cache.lookup("a")); // now most recently used
    cache.putIfNewer("z", value(100, 1), () -> true);
    assertNull(cache.lookup("b"), "b was least recently used");
    assertNotNull(cache.lookup("a"));
    assertEquals(1, cache.evictions());
    assertTrue(cache.bytes() <= cache.capacityBytes());
  }

  @Test
  void oneLargerValueEvictsAsManyAsItTakes() {
    LruCache cache = new LruCache(weight(100) * 16);
    for (int i = 0; i < 16; i++) cache.putIfNewer("" + (char) ('a' + i), value(100, 1), () -> true);
    cache.putIfNewer("z", value(2 * 100 + LruCache.ENTRY_OVERHEAD_BYTES, 1), () -> true);
    assertEquals(2, cache.evictions());
    assertEquals(15, cache.entries());
  }

  @Test
  void skipsValuesLargerThanAnEighthOfCapacity() {
    LruCache cache = new LruCache(8000);
    assertFalse(cache.putIfNewer("k", value(1000, 1), () -> true));
    assertEquals(0, cache.bytes());
  }

  @Test
  void tooLargeNewerValueStillRemovesTheOlderEntry() {
    LruCache cache = new LruCache(8000);
    cache.putIfNewer("k", value(10, 1), () -> true);
    assertFalse(cache.putIfNewer("k", value(5000, 2), () -> true));
    assertNull(cache.lookup("k"));
    assertEquals(0, cache.bytes());
  }

  @Test
  void neverReplacesANewerVersionWithAnOlderOne() {
    LruCache cache = new LruCache(8000);
    cache.putIfNewer("k", value(3, 5), () -> true);
    assertFalse(cache.putIfNewer("k", value(4, 4), () -> true));
    assertEquals(5, cache.lookup("k").version());
    cache.removeIfOlder("k", 4, 0);
    assertNotNull(cache.lookup("k"));
    cache.removeIfOlder("k", 5, 0);
    assertNotNull(cache.lookup("k"), "the same write");
    cache.removeIfOlder("k", 6, 0);
    assertNull(cache.lookup("k"));
    assertEquals(0, cache.bytes());
  }

  @Test
  void equalVersionsAreOrderedByWriterAsUnsignedNumbers() {
    LruCache cache = new LruCache(8000);
    byte[] v = new byte[3];
    cache.putIfNewer("k", new Versioned(v, 5, 7), () -> true);
    assertFalse(cache.putIfNewer("k", new Versioned(v, 5, 6), () -> true));
    assertTrue(cache.putIfNewer("k", new Versioned(v, 5, -1), () -> true));
    assertEquals(-1, cache.lookup("k").writer(), "0xffffffff beats 7");
    cache.removeIfOlder("k", 5, 8);
    assertNotNull(cache.lookup("k"));
    cache.removeIfAtMost("k", 5, -1);
    assertNull(cache.lookup("k"));
  }

  @Test
  void staleFillIsRefusedUnderTheLock() {
    LruCache cache = new LruCache(8000);
    assertFalse(cache.putIfNewer("k", value(3, 5), () -> false));
    assertNull(cache.lookup("k"));
  }

  @Test
  void countsHitsAndMisses() {
    LruCache cache = new LruCache(8000);
    cache.recordHit();
    cache.recordHit();
    cache.recordMiss();
    assertEquals(2, cache.hits());
    assertEquals(1, cache.misses());
  }
}
