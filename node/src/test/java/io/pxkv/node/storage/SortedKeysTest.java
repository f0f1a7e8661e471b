package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

/** {@link SortedKeys} answers as a {@link TreeMap} of the same keys would. */
class SortedKeysTest {
  private final String[] keys = {"a", "b", "d", "f", "k"};
  private final SortedKeys sorted = new SortedKeys(keys);
  private final TreeMap<String, Boolean> tree = new TreeMap<>();

  SortedKeysTest() {
    for (String k : keys) tree.put(k, Boolean.TRUE);
  }

  @Test
  void answersLikeATreeMap() {
    assertEquals(tree, sorted);
    assertEquals(tree.firstKey(), sorted.firstKey());
    assertEquals(tree.lastKey(), sorted.lastKey());
    assertTrue(sorted.containsKey("d"));
    assertFalse(sorted.containsKey("c"));
    assertNull(sorted.get("c"));
    for (String lo : List.of("", "a", "c", "d", "z")) {
      assertEquals(tree.tailMap(lo), sorted.tailMap(lo), "tail " + lo);
      assertEquals(tree.headMap(lo), sorted.headMap(lo), "head " + lo);
      for (String hi : List.of("a", "c", "e", "z")) {
        if (lo.compareTo(hi) <= 0)
          assertEquals(tree.subMap(lo, hi), sorted.subMap(lo, hi), lo + ".." + hi);
      }
    }
    SortedMap<String, Boolean> empty = sorted.subMap("c", "c");
    assertTrue(empty.isEmpty());
    assertThrows(NoSuchElementException.class, empty::firstKey);
  }

  @Test
  void buildsASkipListInOrder() {
    ConcurrentSkipListMap<String, Boolean> built = new ConcurrentSkipListMap<>(sorted);
    assertEquals(List.of(keys), List.copyOf(built.keySet()));
    assertEquals("d", built.ceilingKey("c"));
  }
}
