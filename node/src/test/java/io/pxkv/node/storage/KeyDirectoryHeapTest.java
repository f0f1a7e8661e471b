package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.KeyOrder;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

/**
 * The key directory holds at most 64 bytes of heap per key beyond the key's UTF-8 bytes: a million
 * keys of 13 bytes, measured after full collections, with the sorted keys built. Also measured, for
 * comparison, the layout it replaced (a {@code ConcurrentHashMap} of {@code String} to entry
 * records beside a {@code ConcurrentSkipListMap} of the same keys).
 */
class KeyDirectoryHeapTest {
  private static final int KEYS = 1_000_000;
  private static final int KEY_BYTES = 13;

  private static String key(int i) {
    return String.format(Locale.ROOT, "key:%09d", i);
  }

  private static KeyDirEntry entry(int i) {
    return new KeyDirEntry(1 + i / 100_000, 64L * i, 60, i + 1, 1_700_000_000_000_000L + i, 7, 0);
  }

  @Test
  void aMillionKeysTakeAtMost64BytesEachBeyondTheirBytes() {
    assertEquals(KEY_BYTES, key(KEYS - 1).length());
    double compact =
        HeapPerKey.measure(
            KEYS,
            () -> {
              KeyDirectory dir = new KeyDirectory();
              for (int i = 0; i < KEYS; i++) dir.putLive(key(i), entry(i));
              assertEquals(KEYS, dir.sortedKeys().size()); // the sorted ids merged in
              return dir;
            });
    double previous =
        HeapPerKey.measure(
            KEYS,
            () -> {
              ConcurrentHashMap<String, KeyDirEntry> live = new ConcurrentHashMap<>();
              ConcurrentSkipListMap<String, Boolean> sorted =
                  new ConcurrentSkipListMap<>(KeyOrder.UTF8);
              for (int i = 0; i < KEYS; i++) {
                String k = key(i);
                live.put(k, entry(i));
                sorted.put(k, Boolean.TRUE);
              }
              return new Object[] {live, sorted};
            });
    System.out.printf(
        Locale.ROOT,
        "key directory heap per key beyond %d key bytes, %d keys: %.1f bytes (the map and skip"
            + " list layout: %.1f bytes)%n",
        KEY_BYTES,
        KEYS,
        compact - KEY_BYTES,
        previous - KEY_BYTES);
    assertTrue(compact - KEY_BYTES <= 64, "bytes per key beyond the key: " + (compact - KEY_BYTES));
  }
}
