package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The sorted keys built in the background after a restart end up exactly the live keys. */
class KeyDirectoryRecoveryTest {
  @Test
  void writesDuringTheBackgroundBuildAreInTheSortedKeys() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      KeyDirectory keydir = new KeyDirectory();
      keydir.recovering(50_000);
      int version = 1;
      for (int i = 0; i < 50_000; i++) {
        keydir.recover("k" + i, new KeyDirEntry(1, i, 10, version++), i % 7 == 0);
      }
      keydir.recovered();
      keydir.buildSortedKeys();
      // The writer goes on while kv-index builds: adds, deletes and re-adds, some of each racing
      // it.
      Random random = new Random(attempt);
      List<String> touched = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        String key = "k" + random.nextInt(70_000);
        touched.add(key);
        if (random.nextBoolean()) {
          keydir.putLive(key, new KeyDirEntry(2, i, 10, version++));
        } else if (keydir.get(key) != null) {
          keydir.putTombstone(key, new KeyDirEntry(2, i, 10, version++));
        }
      }
      TreeSet<String> expected = new TreeSet<>(keydir.live().keySet());
      TreeSet<String> sorted = new TreeSet<>(keydir.sortedKeys());
      TreeSet<String> missing = new TreeSet<>(expected);
      missing.removeAll(sorted);
      TreeSet<String> extra = new TreeSet<>(sorted);
      extra.removeAll(expected);
      assertEquals(
          List.of(),
          List.copyOf(missing),
          "live keys missing from the sorted keys, attempt " + attempt);
      assertEquals(
          List.of(),
          List.copyOf(extra),
          "deleted keys left in the sorted keys, attempt " + attempt);
      assertEquals(expected.size(), keydir.sortedKeys().size());
      assertEquals(expected.first(), keydir.sortedKeys().first());
    }
  }

  @Test
  void aScanStartsTheBuildWhenNobodyHas() {
    KeyDirectory keydir = recoveredWith(1_000);
    assertFalse(keydir.sortedKeysBuilt());
    assertTimeoutPreemptively(
        Duration.ofSeconds(30), () -> assertEquals(1_000, keydir.sortedKeys().size()));
    assertEquals("k0", keydir.sortedKeys().first());
  }

  @Test
  void manyWritesWithoutAScanStartTheBuildRatherThanRecordChangesForever() throws Exception {
    KeyDirectory keydir = recoveredWith(10);
    for (int i = 0; i < 70_000; i++) keydir.putLive("w" + i, new KeyDirEntry(2, i, 10, 100 + i));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!keydir.sortedKeysBuilt()) {
      assertTrue(System.nanoTime() < deadline, "the build never started");
      Thread.onSpinWait();
    }
    assertEquals(70_010, keydir.sortedKeys().size());
  }

  private static KeyDirectory recoveredWith(int keys) {
    KeyDirectory keydir = new KeyDirectory();
    keydir.recovering(keys);
    for (int i = 0; i < keys; i++) keydir.recover("k" + i, new KeyDirEntry(1, i, 10, i + 1), false);
    keydir.recovered();
    return keydir;
  }

  @Test
  void aFreshDirectoryNeedsNoBuild() {
    KeyDirectory keydir = new KeyDirectory();
    keydir.putLive("b", new KeyDirEntry(1, 0, 10, 1));
    keydir.putLive("a", new KeyDirEntry(1, 10, 10, 2));
    assertEquals(List.of("a", "b"), List.copyOf(keydir.sortedKeys()));
  }
}
