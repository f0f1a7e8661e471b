package io.pxkv.node.storage;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys whose live value has an expiry, and only those, for the active expiry cycle to sample
 * from ({@link ActiveExpiry}): the keys in one array, each key's slot in a hash map, so that
 * adding, removing (the last key moves into the hole) and picking a key at random are all constant
 * time. Keys without an expiry cost nothing here, and a store without any skips it in one read.
 *
 * <p>Thread-safe: the {@code kv-write} thread adds and removes as it applies writes, compaction
 * removes expired values it drops, the cycle samples.
 */
final class ExpiringKeys {
  private String[] keys = new String[16];
  private final Map<String, Integer> slots = new HashMap<>();
  private volatile int size;

  /** Adds {@code key} if {@code expires}, else removes it (a key written again without expiry). */
  void track(String key, boolean expires) {
    if (expires) {
      add(key);
    } else if (size != 0) {
      remove(key);
    }
  }

  synchronized void add(String key) {
    if (slots.containsKey(key)) return;
    if (size == keys.length) keys = Arrays.copyOf(keys, size * 2);
    keys[size] = key;
    slots.put(key, size);
    size++;
  }

  synchronized void remove(String key) {
    Integer slot = slots.remove(key);
    if (slot == null) return;
    int last = size - 1;
    if (slot != last) {
      keys[slot] = keys[last];
      slots.put(keys[slot], slot);
    }
    keys[last] = null;
    size = last;
  }

  int size() {
    return size;
  }

  /** Up to {@code n} keys picked at random (with repeats possible), none if there are none. */
  synchronized List<String> sample(int n) {
    if (size == 0) return List.of();
    String[] picked = new String[n];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) picked[i] = keys[random.nextInt(size)];
    return Arrays.asList(picked);
  }
}
