package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.await;
import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static io.pxkv.node.storage.ValueCodingTest.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values are written as given and deflated by compaction: what waits, what triggers it, what a
 * reader sees meanwhile, and encryption around it.
 */
class DeflateInCompactionTest {
  private static final int DOCS = 120;
  private static final int DOC_BYTES = 600;

  @TempDir Path dir;

  private StorageOptions options(ValueCoding coding, CompactionPolicy policy) {
    return StorageOptions.defaults(dir)
        .withCacheBytes(0)
        .withSegmentBytes(16 * 1024)
        .withCompaction(policy)
        .withCoding(coding);
  }

  private static ValueCoding coding(boolean encrypted) {
    return encrypted
        ? ValueCoding.DEFAULTS.withKeys(CodecKeys.of(CodecKeys.line(1)))
        : ValueCoding.DEFAULTS;
  }

  private static void writeDocuments(BitcaskEngine e) {
    for (int i = 0; i < DOCS; i++) await(e.put("doc-" + i, utf8(document(i, DOC_BYTES))));
  }

  private static void readAll(BitcaskEngine e, String when) throws IOException {
    for (int i = 0; i < DOCS; i++) {
      assertEquals(document(i, DOC_BYTES), text(e.get("doc-" + i).orElseThrow().value()), when);
    }
  }

  /** The codec byte of the record the key directory points at for {@code key}. */
  private static int codecOf(BitcaskEngine e, String key) throws Exception {
    KeyDirEntry at = e.keyDirectory().get(key);
    Segment s = e.keyDirectory().segment(at.segmentId());
    ByteBuffer record = s.read(at.offset(), at.size());
    return RecordCodec.decode(record, s.format()).codec();
  }

  @Test
  void aWriteOnceDataSetIsDeflatedWithoutAnythingDeadToReclaim() throws Exception {
    // Dead bytes alone would never pick a segment here: nothing is overwritten or deleted.
    CompactionPolicy policy = new CompactionPolicy(true, 1.0, Long.MAX_VALUE, 20, 0.25);
    try (BitcaskEngine e = BitcaskEngine.open(options(ValueCoding.DEFAULTS, policy))) {
      writeDocuments(e);
      assertTrue(e.keyDirectory().segments().size() > 3, "several segments closed");
      // Less than a quarter of a segment in all may stay as given: that sets off no compaction.
      // The rest, in closed segments and in the active one once idle for a check interval, goes.
      long quarter = 16 * 1024 / 4;
      Bytes.eventually(
          () -> e.codecStats().pendingRawBytes() < quarter,
          () -> "raw values wait: " + e.codecStats());
      CodecStats s = e.codecStats();
      // The documents are a little under DOC_BYTES: as many as fit in the quarter may wait.
      int smallest = DOC_BYTES;
      for (int i = 0; i < DOCS; i++)
        smallest = Math.min(smallest, utf8(document(i, DOC_BYTES)).length);
      assertTrue(s.valuesCompressed() >= DOCS - quarter / smallest, s.toString());
      assertTrue(s.ratio() < 0.5, s.toString());
      assertEquals(Deflate.CODEC, codecOf(e, "doc-0"));
      readAll(e, "after the background compactions");
      e.checkInvariants();
    }
  }

  @Test
  void withoutCompressionNothingWaitsAndNoSegmentIsPickedForIt() throws Exception {
    CompactionPolicy policy = new CompactionPolicy(false, 1.0, Long.MAX_VALUE, 20, 0.25);
    try (BitcaskEngine e = BitcaskEngine.open(options(ValueCoding.PLAIN, policy))) {
      writeDocuments(e);
      assertEquals(0, e.codecStats().pendingRawBytes());
      assertEquals(List.of(), policy.pick(e.keyDirectory().segments(), null, 16 * 1024, true));
    }
  }

  private Segment segment(int id, long size, long live, long raw) {
    Segment s = new Segment(id, dir.resolve(id + ".seg"), StorageFiles.DISK, size, 2);
    s.addLive(live);
    s.addRaw(raw);
    return s;
  }

  @Test
  void thePolicyPicksSegmentsByTheirRawShareAFewAtATime() {
    CompactionPolicy policy = new CompactionPolicy(true, 0.5, 0, 1000, 0.25);
    long full = 1000;
    // Raw: 300, 200 (under a quarter), 260, 1000 (capped at the live 900), 0; and a dead one.
    List<Segment> closed =
        new ArrayList<>(
            List.of(
                segment(1, full, 900, 300),
                segment(2, full, 900, 200),
                segment(3, full, 900, 260),
                segment(4, full, 900, 1000),
                segment(5, full, 900, 0),
                segment(9, full, 100, 0)));
    assertEquals(900, closed.get(3).pendingRawBytes());
    assertEquals(
        List.of(1, 3, 9),
        ids(policy.pick(closed, null, full, true)),
        "two segments' worth for raw bytes, oldest first; every dead one");
    assertEquals(List.of(9), ids(policy.pick(closed, null, full, false)), "dead: not paced");
    assertTrue(policy.enoughToDeflate(closed, full));
    assertFalse(policy.enoughToDeflate(List.of(closed.get(1), closed.get(4)), full));
  }

  @Test
  void smallSegmentsLeftByRollOversWaitUntilTogetherTheyHoldAQuarterOfAFullOne() {
    CompactionPolicy policy = new CompactionPolicy(true, 0.5, 0, 1000, 0.25);
    long full = 10_000;
    List<Segment> closed = new ArrayList<>();
    for (int id = 1; id <= 3; id++) closed.add(segment(id, 1000, 1000, 800));
    assertEquals(List.of(), policy.pick(closed, null, full, true), "2,400 of 2,500 bytes");
    closed.add(segment(4, 1000, 1000, 800));
    assertEquals(List.of(1, 2, 3, 4), ids(policy.pick(closed, null, full, true)));
    // An idle active segment holding enough is taken too (the compaction rolls it over first).
    Segment idle = segment(7, 6000, 6000, 3000);
    assertEquals(List.of(7), ids(policy.pick(List.of(), idle, full, true)));
    assertEquals(List.of(), policy.pick(List.of(), null, full, true));
  }

  private static List<Integer> ids(List<Segment> segments) {
    return segments.stream().map(Segment::id).toList();
  }

  @ParameterizedTest(name = "encrypted: {0}")
  @ValueSource(booleans = {false, true})
  void readersSeeEveryValueBeforeDuringAndAfterDeflating(boolean encrypted) throws Exception {
    ValueCoding coding = coding(encrypted);
    try (BitcaskEngine e = BitcaskEngine.open(options(coding, CompactionPolicy.MANUAL))) {
      writeDocuments(e);
      assertEquals(RecordCodec.CODEC_NONE, codecOf(e, "doc-7"), "written as given");
      long waiting = e.codecStats().pendingRawBytes();
      assertTrue(waiting >= (long) DOCS * (DOC_BYTES - 60), "pending " + waiting);
      readAll(e, "before");
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      AtomicLong reads = new AtomicLong();
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (!done.get()) {
                    readAll(e, "during");
                    reads.incrementAndGet();
                  }
                } catch (Throwable t) {
                  failed.set(t);
                }
              });
      reader.start();
      try {
        for (int round = 0; round < 3; round++) {
          await(e.compact());
          // New raw values for the next round, among deflated ones.
          for (int i = 0; i < DOCS; i += 3) await(e.put("doc-" + i, utf8(document(i, DOC_BYTES))));
        }
        Bytes.eventually(() -> reads.get() > 3 || failed.get() != null, () -> "reader stalled");
      } finally {
        done.set(true);
        reader.join();
      }
      assertNull(failed.get(), () -> "a reader failed: " + failed.get());
      await(e.compact());
      assertEquals(Deflate.CODEC, codecOf(e, "doc-7"), "deflated by compaction");
      assertEquals(0, e.codecStats().pendingRawBytes());
      readAll(e, "after");
      e.checkInvariants();
    }
    try (BitcaskEngine e = BitcaskEngine.open(options(coding, CompactionPolicy.MANUAL))) {
      assertEquals(0, e.codecStats().pendingRawBytes(), "hinted compaction outputs hold none");
      readAll(e, "after a restart");
    }
  }

  @Test
  void aRestartCountsTheRawValuesOfScannedSegmentsAgain() throws Exception {
    long before;
    try (BitcaskEngine e =
        BitcaskEngine.open(options(ValueCoding.DEFAULTS, CompactionPolicy.MANUAL))) {
      writeDocuments(e);
      before = e.codecStats().pendingRawBytes();
      assertTrue(before > 0);
    }
    try (BitcaskEngine e =
        BitcaskEngine.open(options(ValueCoding.DEFAULTS, CompactionPolicy.MANUAL))) {
      assertEquals(before, e.codecStats().pendingRawBytes());
    }
  }

  @Test
  void deflatedValuesAreSealedUnderTheCurrentKeyAndNeverInTheClear() throws Exception {
    String key1 = CodecKeys.line(1);
    String key2 = CodecKeys.line(2);
    ValueCoding first = ValueCoding.DEFAULTS.withKeys(CodecKeys.of(key1));
    try (BitcaskEngine e = BitcaskEngine.open(options(first, CompactionPolicy.MANUAL))) {
      writeDocuments(e);
    }
    // A rotation: compaction deflates and seals under key 2 in one copy.
    ValueCoding rotated = ValueCoding.DEFAULTS.withKeys(CodecKeys.of(key1, key2));
    try (BitcaskEngine e = BitcaskEngine.open(options(rotated, CompactionPolicy.MANUAL))) {
      await(e.compact());
      CodecStats s = e.codecStats();
      assertEquals(DOCS, s.recordsReencrypted());
      assertEquals(DOCS, s.valuesCompressed());
      assertEquals(List.of(2), s.keyIdsOnDisk());
      KeyDirEntry at = e.keyDirectory().get("doc-5");
      Segment seg = e.keyDirectory().segment(at.segmentId());
      var r = RecordCodec.decode(seg.read(at.offset(), at.size()), seg.format());
      assertEquals(Deflate.CODEC, r.codec());
      assertEquals(2, r.keyId());
    }
    byte[] disk = allSegmentBytes();
    String clear = "\"status\":\"shipped\"";
    assertFalse(new String(disk, java.nio.charset.StandardCharsets.ISO_8859_1).contains(clear));
    ValueCoding only2 = ValueCoding.DEFAULTS.withKeys(CodecKeys.of(key2));
    try (BitcaskEngine e = BitcaskEngine.open(options(only2, CompactionPolicy.MANUAL))) {
      readAll(e, "with the new key alone");
      e.checkInvariants();
    }
  }

  private byte[] allSegmentBytes() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".seg")).sorted().toList()) {
        out.write(Files.readAllBytes(p));
      }
    }
    return out.toByteArray();
  }
}
