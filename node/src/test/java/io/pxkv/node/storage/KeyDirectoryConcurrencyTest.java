package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.KeyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers never see a write half done and never miss a key that is there throughout, while one
 * thread writes (keys of every kind, new keys that grow the table and the columns) and another
 * relocates entries and forgets tombstones (removals that shift probe runs, ids handed out again
 * after merges of the sorted keys, the key arena compacted). Every entry written is derived from
 * its seq, so a reader can tell a torn one.
 */
class KeyDirectoryConcurrencyTest {
  private static final int STABLE = 2_000;
  private static final long RUN_NANOS = 3_000_000_000L;

  private static KeyDirEntry entryOf(long seq) {
    return new KeyDirEntry(
        (int) (seq % 7) + 1,
        seq * 3 % 0xFFFF_FFFFL,
        (int) (seq % 1000) + 1,
        seq,
        seq * 2,
        (int) (seq * 31),
        seq % 5 == 0 ? seq * 11 : 0);
  }

  private static void checkWhole(KeyDirEntry e, List<String> failures, String what) {
    if (e != null && !e.equals(entryOf(e.seq()))) failures.add(what + ": torn entry " + e);
  }

  private static String stableKey(int i) {
    return "s" + i + "/" + (i % 3 == 0 ? "\uD83D\uDE00" : "x");
  }

  @Test
  void readersSeeWholeEntriesAndEveryKeyThatStays() throws Exception {
    KeyDirectory dir = new KeyDirectory();
    dir.compactKeysFrom(64 << 10); // the key arena compacted under the readers, again and again
    AtomicLong seq = new AtomicLong();
    for (int i = 0; i < STABLE; i++) dir.putLive(stableKey(i), entryOf(seq.incrementAndGet()));
    AtomicBoolean stop = new AtomicBoolean();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<String> deleted = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + RUN_NANOS;

    Thread writer =
        new Thread(
            () -> {
              Random random = new Random(1);
              int fresh = 0;
              // The writer sets the run's length: until the deadline or the first failure seen.
              while (System.nanoTime() < deadline && failures.isEmpty()) {
                if (random.nextInt(3) == 0) {
                  dir.putLive(stableKey(random.nextInt(STABLE)), entryOf(seq.incrementAndGet()));
                  continue;
                }
                String key = "c" + (fresh++ % 200_000);
                RecordKind kind = random.nextBoolean() ? RecordKind.PUT : RecordKind.DELETE;
                dir.put(key, entryOf(seq.incrementAndGet()), kind);
                if (kind == RecordKind.DELETE) deleted.add(key);
              }
            },
            "writer");
    Thread compactor =
        new Thread(
            () -> {
              Random random = new Random(2);
              while (!stop.get()) {
                if (random.nextInt(20_000) == 0) dir.compactKeysNow();
                String key = deleted.poll();
                if (key == null) {
                  Thread.onSpinWait();
                  continue;
                }
                synchronized (dir) { // the entry read and the change, as compaction pairs them
                  KeyDirEntry t = dir.tombstone(key);
                  if (t == null) continue;
                  if (random.nextBoolean()) {
                    dir.forget(key, t, RecordKind.DELETE);
                  } else {
                    dir.relocate(key, t, entryOf(t.seq()), RecordKind.DELETE);
                  }
                }
              }
            },
            "compactor");
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int seed = r;
      readers.add(
          new Thread(
              () -> {
                Random random = new Random(seed);
                while (!stop.get()) {
                  if (random.nextInt(50) == 0) {
                    // A walk: strictly increasing keys, every stable key met.
                    int stableSeen = 0;
                    String previous = null;
                    for (String key : dir.sortedKeys()) {
                      if (previous != null && KeyOrder.compare(previous, key) >= 0) {
                        failures.add("out of order: " + previous + " then " + key);
                      }
                      previous = key;
                      if (key.startsWith("s")) stableSeen++;
                    }
                    if (stableSeen != STABLE) {
                      failures.add(
                          "a walk met "
                              + stableSeen
                              + " of "
                              + STABLE
                              + " stable keys, last "
                              + previous);
                    }
                    continue;
                  }
                  String key = stableKey(random.nextInt(STABLE));
                  KeyDirEntry e = dir.get(key);
                  if (e == null) failures.add("stable key " + key + " not found");
                  checkWhole(e, failures, key);
                  String churn = "c" + random.nextInt(200_000);
                  checkWhole(dir.get(churn), failures, churn);
                  checkWhole(dir.tombstone(churn), failures, churn);
                }
              },
              "reader-" + r));
    }
    writer.start();
    compactor.start();
    readers.forEach(Thread::start);
    writer.join();
    stop.set(true);
    compactor.join();
    for (Thread t : readers) t.join();
    assertEquals(List.of(), failures.stream().limit(10).toList());
    assertTrue(seq.get() > 10_000, "the writer wrote " + seq.get());
    // Quiet again: the sorted keys are exactly the keys of every kind.
    List<String> expected = new ArrayList<>(dir.live().keySet());
    expected.addAll(dir.tombstones().keySet());
    expected.sort(KeyOrder.UTF8);
    assertEquals(expected, List.copyOf(dir.sortedKeys()));
  }
}
