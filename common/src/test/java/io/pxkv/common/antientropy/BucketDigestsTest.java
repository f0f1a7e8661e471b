package io.pxkv.common.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.ring.Murmur3;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketDigestsTest {
  private static final RingBuckets RING =
      new RingBuckets(new ConsistentHashRing(List.of("a", "b", "c"), 8).tokens(), 4);

  record Rec(String key, long version, int writer, boolean tombstone) {
    long position() {
      return Murmur3.INSTANCE.hash(key);
    }
  }

  private static List<Rec> records(int n, long seed) {
    Random random = new Random(seed);
    List<Rec> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(new Rec("key-" + i, 1 + random.nextInt(1_000_000), random.nextInt(), i % 7 == 0));
    }
    return all;
  }

  private static BucketDigests digest(List<Rec> records) {
    BucketDigests d = new BucketDigests(RING, 0, RING.arcs());
    for (Rec r : records) d.add(r.position(), r.version(), r.writer(), r.tombstone());
    return d;
  }

  /** The buckets where two digests differ. */
  private static List<Integer> differing(BucketDigests a, BucketDigests b) {
    List<Integer> out = new ArrayList<>();
    for (int i = a.firstBucket(); i < a.endBucket(); i++) {
      if (a.sum(i) != b.sum(i) || a.count(i) != b.count(i)) out.add(i);
    }
    return out;
  }

  @Test
  void theSameRecordsInAnyOrderGiveTheSameDigests() {
    List<Rec> all = records(5_000, 1);
    List<Rec> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(2));
    assertEquals(List.of(), differing(digest(all), digest(shuffled)));
    assertEquals(5_000, digest(all).records());
  }

  @Test
  void oneOtherVersionWriterOrTombstoneChangesExactlyItsBucket() {
    List<Rec> all = records(5_000, 3);
    BucketDigests base = digest(all);
    Rec r = all.get(1234);
    int bucket = RING.bucketOf(r.position());
    List<Rec[]> variants = new ArrayList<>();
    variants.add(new Rec[] {new Rec(r.key(), r.version() + 1, r.writer(), r.tombstone())});
    variants.add(new Rec[] {new Rec(r.key(), r.version(), r.writer() + 1, r.tombstone())});
    variants.add(new Rec[] {new Rec(r.key(), r.version(), r.writer(), !r.tombstone())});
    for (Rec[] v : variants) {
      List<Rec> changed = new ArrayList<>(all);
      changed.set(1234, v[0]);
      assertEquals(List.of(bucket), differing(base, digest(changed)), v[0].toString());
    }
    List<Rec> missing = new ArrayList<>(all);
    missing.remove(1234);
    assertEquals(List.of(bucket), differing(base, digest(missing)), "a missing key");
  }

  @Test
  void aRecordLandsInTheBucketOfItsPositionAndOnlyInTheAskedArcs() {
    BucketDigests some = new BucketDigests(RING, 3, 5);
    int added = 0;
    for (Rec r : records(5_000, 4)) {
      boolean in = some.covers(r.position());
      int arc = RING.arcOf(r.position());
      assertEquals(arc >= 3 && arc < 5, in);
      assertEquals(in, some.add(r.position(), r.version(), r.writer(), r.tombstone()));
      if (in) {
        added++;
        assertTrue(some.count(RING.bucketOf(r.position())) > 0);
      }
    }
    assertEquals(added, some.records());
    assertEquals(3 * 16, some.firstBucket());
    assertEquals(5 * 16, some.endBucket());
  }

  @Test
  void digestsSurviveJson() {
    BucketDigests d = new BucketDigests(RING, 2, 6);
    for (Rec r : records(2_000, 5)) d.add(r.position(), r.version(), r.writer(), r.tombstone());
    BucketDigests back = BucketDigests.fromJson(RING, 2, 6, d.toJson());
    assertEquals(List.of(), differing(d, back));
    assertEquals(d.records(), back.records());
  }

  @Test
  void theRecordDigestMixesEveryPart() {
    long base = RecordDigest.of(42, 7, 3, false);
    assertNotEquals(base, RecordDigest.of(43, 7, 3, false));
    assertNotEquals(base, RecordDigest.of(42, 8, 3, false));
    assertNotEquals(base, RecordDigest.of(42, 7, 4, false));
    assertNotEquals(base, RecordDigest.of(42, 7, 3, true));
    assertNotEquals(RecordDigest.of(42, 7, -1, false), RecordDigest.of(42, 7, 0x7fffffff, true));
    assertFalse(base == 0);
  }
}
