package io.pxkv.node.storage;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A sorted array of distinct keys seen as a read-only {@link SortedMap} (every value {@code TRUE}),
 * only so that {@code new ConcurrentSkipListMap<>(sortedKeys)} can build its skip list in one
 * linear pass instead of a million searching inserts. Nothing else may use it: the sub-map views
 * are not implemented.
 */
final class SortedKeys extends AbstractMap<String, Boolean> implements SortedMap<String, Boolean> {
  private final String[] keys;

  /** {@code keys} must be sorted in natural order, without duplicates. */
  SortedKeys(String[] keys) {
    this.keys = keys;
  }

  @Override
  public Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public Set<Entry<String, Boolean>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Boolean>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, Boolean> next() {
            if (next >= keys.length) throw new NoSuchElementException();
            return Map.entry(keys[next++], Boolean.TRUE);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  @Override
  public String firstKey() {
    if (keys.length == 0) throw new NoSuchElementException();
    return keys[0];
  }

  @Override
  public String lastKey() {
    if (keys.length == 0) throw new NoSuchElementException();
    return keys[keys.length - 1];
  }

  @Override
  public SortedMap<String, Boolean> subMap(String fromKey, String toKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<String, Boolean> headMap(String toKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<String, Boolean> tailMap(String fromKey) {
    throw new UnsupportedOperationException();
  }
}
