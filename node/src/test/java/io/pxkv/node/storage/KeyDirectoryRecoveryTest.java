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
        long v = version++;
        keydir.recover(
            "k" + i,
            new KeyDirEntry(1, i, 10, v, v, 0, 0),
            i % 7 == 0 ? RecordKind.DELETE : RecordKind.PUT);
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
        long v = version++;
        int what = random.nextInt(8);
        if (what < 4) {
          keydir.putLive(key, new KeyDirEntry(2, i, 10, v, v, 0, 0));
        } else if (what < 6 && keydir.get(key) != null) {
          keydir.putTombstone(key, new KeyDirEntry(2, i, 10, v, v, 0, 0));
        } else if (what == 6) {
          keydir.putHandoff(key, new KeyDirEntry(2, i, 10, v, v, 0, 0));
        } else if (keydir.tombstone(key) != null) {
          // What compaction does when it drops a tombstone, on its own thread in the engine.
          keydir.forget(key, keydir.tombstone(key), RecordKind.DELETE);
        }
      }
      // The sorted keys are every key the directory knows: live, deleted or handed off.
      TreeSet<String> expected = new TreeSet<>(keydir.live().keySet());
      expected.addAll(keydir.tombstones().keySet());
      expected.addAll(keydir.handoffs().keySet());
      TreeSet<String> sorted = new TreeSet<>(keydir.sortedKeys());
      TreeSet<String> missing = new TreeSet<>(expected);
      missing.removeAll(sorted);
      TreeSet<String> extra = new TreeSet<>(sorted);
      extra.removeAll(expected);
      assertEquals(
          List.of(), List.copyOf(missing), "keys missing from the sorted keys, attempt " + attempt);
      assertEquals(
          List.of(),
          List.copyOf(extra),
          "forgotten keys left in the sorted keys, attempt " + attempt);
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
    for (int i = 0; i < 70_000; i++)
      keydir.putLive("w" + i, new KeyDirEntry(2, i, 10, 100 + i, 100 + i, 0, 0));
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
    for (int i = 0; i < keys; i++)
      keydir.recover("k" + i, new KeyDirEntry(1, i, 10, i + 1, i + 1, 0, 0), RecordKind.PUT);
    keydir.recovered();
    return keydir;
  }

  @Test
  void sortedKeysAreInUtf8OrderAlsoAfterARestart() throws Exception {
    // U+FFFD sorts before U+1F600 in UTF-8 (EF BF BD < F0 9F 98 80), after it in UTF-16.
    List<String> keys = List.of("a", "a\uFFFD", "a\uD83D\uDE00", "b");
    KeyDirectory restarted = new KeyDirectory();
    restarted.recovering(4);
    for (int i = 0; i < keys.size(); i++) {
      restarted.recover(keys.get(i), new KeyDirEntry(1, i, 10, i + 1, i + 1, 0, 0), RecordKind.PUT);
    }
    restarted.recovered();
    assertEquals(keys, List.copyOf(restarted.sortedKeys()));
    KeyDirectory fresh = new KeyDirectory();
    for (int i = keys.size() - 1; i >= 0; i--) {
      fresh.putTombstone(keys.get(i), new KeyDirEntry(1, i, 10, i + 1, i + 1, 0, 0));
    }
    assertEquals(keys, List.copyOf(fresh.sortedKeys()));
  }

  @Test
  void aFreshDirectoryNeedsNoBuild() {
    KeyDirectory keydir = new KeyDirectory();
    keydir.putLive("b", new KeyDirEntry(1, 0, 10, 1, 1, 0, 0));
    keydir.putLive("a", new KeyDirEntry(1, 10, 10, 2, 2, 0, 0));
    assertEquals(List.of("a", "b"), List.copyOf(keydir.sortedKeys()));
  }
}
