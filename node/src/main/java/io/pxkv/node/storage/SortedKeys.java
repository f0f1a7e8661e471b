package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A range of a sorted array of distinct keys, seen as a read-only {@link SortedMap} in {@link
 * KeyOrder#UTF8} order whose values are all {@code TRUE}. It exists so that {@code new
 * ConcurrentSkipListMap<>(sortedKeys)} builds its skip list in one linear pass instead of a million
 * searching inserts.
 */
final class SortedKeys extends AbstractMap<String, Boolean> implements SortedMap<String, Boolean> {
  private final String[] keys;
  private final int from; // inclusive
  private final int to; // exclusive

  /** {@code keys} must be sorted in UTF-8 order, without duplicates; it is not copied. */
  SortedKeys(String[] keys) {
    this(keys, 0, keys.length);
  }

  private SortedKeys(String[] keys, int from, int to) {
    this.keys = keys;
    this.from = from;
    this.to = to;
  }

  @Override
  public Comparator<? super String> comparator() {
    return KeyOrder.UTF8;
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && Arrays.binarySearch(keys, from, to, k, KeyOrder.UTF8) >= 0;
  }

  @Override
  public Boolean get(Object key) {
    return containsKey(key) ? Boolean.TRUE : null;
  }

  @Override
  public Set<Entry<String, Boolean>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Boolean>> iterator() {
        return new Iterator<>() {
          private int next = from;

          @Override
          public boolean hasNext() {
            return next < to;
          }

          @Override
          public Entry<String, Boolean> next() {
            if (next >= to) throw new NoSuchElementException();
            return Map.entry(keys[next++], Boolean.TRUE);
          }
        };
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  @Override
  public String firstKey() {
    if (from == to) throw new NoSuchElementException();
    return keys[from];
  }

  @Override
  public String lastKey() {
    if (from == to) throw new NoSuchElementException();
    return keys[to - 1];
  }

  @Override
  public SortedMap<String, Boolean> subMap(String fromKey, String toKey) {
    if (KeyOrder.compare(fromKey, toKey) > 0)
      throw new IllegalArgumentException(fromKey + " > " + toKey);
    return new SortedKeys(keys, indexOf(fromKey), indexOf(toKey));
  }

  @Override
  public SortedMap<String, Boolean> headMap(String toKey) {
    return new SortedKeys(keys, from, indexOf(toKey));
  }

  @Override
  public SortedMap<String, Boolean> tailMap(String fromKey) {
    return new SortedKeys(keys, indexOf(fromKey), to);
  }

  /** The first index in this range whose key is at least {@code key}. */
  private int indexOf(String key) {
    int i = Arrays.binarySearch(keys, from, to, key, KeyOrder.UTF8);
    return i >= 0 ? i : -i - 1;
  }
}
