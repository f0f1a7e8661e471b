package io.pxkv.node.hints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hint store on a real disk: append, reopen, torn tails, delivery, and its bounds. */
class HintStoreTest {
  private static final HintStore.Limits ROOMY = new HintStore.Limits(64L << 20, 60_000);
  private static final String URL_2 = "http://127.0.0.1:9002";

  @TempDir Path data;
  private final AtomicLong now = new AtomicLong(1_000_000);

  private HintStore open(HintStore.Limits limits) throws IOException {
    return HintStore.open(data, limits, now::get);
  }

  private static StoredRecord value(int i) {
    return StoredRecord.expiring(
        "key-" + i, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), 100 + i, 7, i % 3);
  }

  private static List<StoredRecord> values(int from, int to) {
    List<StoredRecord> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add(value(i));
    return out;
  }

  private static void assertSame(StoredRecord want, StoredRecord got) {
    assertEquals(want.key(), got.key());
    assertArrayEquals(want.value(), got.value());
    assertEquals(want.version(), got.version());
    assertEquals(want.writer(), got.writer());
    assertEquals(want.expiresAt(), got.expiresAt());
  }

  private static long pending(HintStore store, String target) {
    return store.pending().stream()
        .filter(p -> p.target().equals(target))
        .mapToLong(HintStore.Pending::hints)
        .sum();
  }

  private List<Path> files() throws IOException {
    Path dir = data.resolve(HintStore.DIRECTORY);
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void noHintsTouchNoDisk() throws IOException {
    try (HintStore store = open(ROOMY)) {
      assertEquals(List.of(), store.pending());
      assertNull(store.next("node-2", 10, 1 << 20));
    }
    assertFalse(Files.exists(data.resolve(HintStore.DIRECTORY)));
  }

  @Test
  void appendedHintsReadBackInOrderPerTargetAndSurviveAReopen() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 10));
      store.append("node-3", "http://h:3", List.of(new StoredRecord("gone", null, 5, 1)));
      store.append("node-2", URL_2, values(10, 20));
      store.sync();
      assertEquals(20, pending(store, "node-2"));
      assertEquals(1, pending(store, "node-3"));
    }
    try (HintStore store = open(ROOMY)) {
      assertEquals(20, pending(store, "node-2"));
      HintStore.Batch b = store.next("node-2", 100, 1 << 20);
      assertEquals(URL_2, b.url());
      assertEquals(20, b.records().size());
      for (int i = 0; i < 20; i++) assertSame(value(i), b.records().get(i));
      HintStore.Batch tomb = store.next("node-3", 100, 1 << 20);
      assertNull(tomb.records().get(0).value(), "a tombstone stays a tombstone");
      assertEquals(5, tomb.records().get(0).version());
      assertEquals("http://h:3", tomb.url());
    }
  }

  @Test
  void deliveredBatchesLeaveAndAFullyDeliveredFileIsDeleted() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 25));
      store.sync();
      HintStore.Batch first = store.next("node-2", 10, 1 << 20);
      assertEquals(10, first.records().size());
      store.delivered(first);
      assertEquals(15, pending(store, "node-2"));
      HintStore.Batch second = store.next("node-2", 10, 1 << 20);
      assertSame(value(10), second.records().get(0));
      store.delivered(second);
      store.delivered(second); // twice: a no-op
      assertEquals(5, pending(store, "node-2"));
      store.delivered(store.next("node-2", 10, 1 << 20));
      assertNull(store.next("node-2", 10, 1 << 20));
      assertEquals(List.of(), store.pending());
      assertEquals(List.of(), files(), "the file of a target with nothing pending is gone");
      assertEquals(0, store.bytes());
      // New hints for it start a new file.
      store.append("node-2", URL_2, values(30, 31));
      assertEquals(1, pending(store, "node-2"));
    }
  }

  @Test
  void aReopenHandsOverAgainWhatWasNotDeletedYet() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 20));
      store.sync();
      store.delivered(store.next("node-2", 5, 1 << 20));
    }
    // The cursor is in memory: the target gets all 20 again, which "newer wins" makes harmless.
    try (HintStore store = open(ROOMY)) {
      assertEquals(20, pending(store, "node-2"));
    }
  }

  @Test
  void aTornTailIsCutOffAndTheWholeHintsBeforeItKept() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 10));
      store.sync();
    }
    Path file = files().get(0);
    long whole = Files.size(file);
    // A crash in the middle of an append: half a record at the end.
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(10, 11));
      store.sync();
    }
    long withOne = Files.size(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(whole + (withOne - whole) / 2);
    }
    try (HintStore store = open(ROOMY)) {
      assertEquals(10, pending(store, "node-2"));
      assertEquals((withOne - whole) / 2, store.tornBytes());
      assertEquals(whole, Files.size(file), "truncated to the last whole record");
      // Appends go on after the last whole record.
      store.append("node-2", URL_2, values(20, 21));
      store.sync();
    }
    try (HintStore store = open(ROOMY)) {
      HintStore.Batch b = store.next("node-2", 100, 1 << 20);
      assertEquals(11, b.records().size());
      assertSame(value(9), b.records().get(9));
      assertSame(value(20), b.records().get(10));
    }
  }

  @Test
  void aFlippedByteEndsTheFileThereAndADamagedHeaderDropsIt() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 10));
      store.append("node-3", "http://h:3", values(0, 3));
      store.sync();
    }
    Path two = files().get(0);
    Path three = files().get(1);
    long size = Files.size(two);
    try (RandomAccessFile f = new RandomAccessFile(two.toFile(), "rw")) {
      f.seek(size - 3); // inside the last record's value
      int b = f.read();
      f.seek(size - 3);
      f.write(b ^ 0x40);
    }
    try (RandomAccessFile f = new RandomAccessFile(three.toFile(), "rw")) {
      f.seek(10); // inside the target's id
      f.write('X');
    }
    try (HintStore store = open(ROOMY)) {
      assertEquals(9, pending(store, "node-2"), "the damaged record is dropped, not replayed");
      assertEquals(0, pending(store, "node-3"));
      assertFalse(Files.exists(three), "no target can be trusted from a damaged header");
    }
  }

  @Test
  void theStoreRefusesHintsPastItsBytesAndTakesThemAgainOnceDelivered() throws IOException {
    try (HintStore store = open(new HintStore.Limits(4096, 60_000))) {
      int taken = 0;
      HintStore.FullException full = null;
      while (full == null) {
        try {
          store.append("node-2", URL_2, List.of(value(taken)));
          taken++;
        } catch (HintStore.FullException e) {
          full = e;
        }
      }
      assertTrue(taken > 10 && store.bytes() <= 4096, taken + " hints, " + store.bytes() + " B");
      assertTrue(full.getMessage().contains("anti-entropy"), full.getMessage());
      assertEquals(taken, pending(store, "node-2"), "the refused hint is not kept");
      store.delivered(store.next("node-2", 1000, 1 << 20));
      store.append("node-2", URL_2, List.of(value(1)));
      assertEquals(1, pending(store, "node-2"));
    }
  }

  @Test
  void hintsOlderThanTheMaxAgeAreDroppedNotDelivered() throws IOException {
    try (HintStore store = open(new HintStore.Limits(1 << 20, 60_000))) {
      store.append("node-2", URL_2, values(0, 5));
      now.addAndGet(30_000);
      store.append("node-2", URL_2, values(5, 8));
      now.addAndGet(40_000); // the first five are 70 s old, the last three 40 s
      HintStore.Batch b = store.next("node-2", 100, 1 << 20);
      assertEquals(5, b.expired());
      assertEquals(3, b.records().size());
      assertSame(value(5), b.records().get(0));
      store.delivered(b);
      assertEquals(5, store.dropped());
      assertEquals(List.of(), store.pending());
    }
  }

  @Test
  void readsStopAtTheirCountOrBytes() throws IOException {
    try (HintStore store = open(ROOMY)) {
      store.append("node-2", URL_2, values(0, 50));
      assertEquals(7, store.next("node-2", 7, 1 << 20).records().size());
      int small = store.next("node-2", 1000, 100).records().size();
      assertTrue(small >= 1 && small < 5, small + " records for 100 bytes");
    }
  }
}
