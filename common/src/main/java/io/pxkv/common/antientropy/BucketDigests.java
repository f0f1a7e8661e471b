package io.pxkv.common.antientropy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The digests of the buckets of arcs {@code [fromArc, toArc)} of one {@link RingBuckets}, as a node
 * computes them while it scans its records and as a router compares them: per bucket the sum of its
 * records' {@link RecordDigest}s and how many there are. Not thread-safe: one scan fills it.
 */
public final class BucketDigests {
  private final RingBuckets buckets;
  private final int fromArc;
  private final int toArc;
  private final long[] sums;
  private final int[] counts;

  public BucketDigests(RingBuckets buckets, int fromArc, int toArc) {
    if (fromArc < 0 || toArc > buckets.arcs() || fromArc >= toArc) {
      throw new IllegalArgumentException(
          "arcs: [from, to) within 0.." + buckets.arcs() + " (was " + fromArc + ", " + toArc + ")");
    }
    this.buckets = buckets;
    this.fromArc = fromArc;
    this.toArc = toArc;
    int n = (toArc - fromArc) * buckets.perArc();
    this.sums = new long[n];
    this.counts = new int[n];
  }

  /** Whether a key at {@code position} falls in these arcs. */
  public boolean covers(long position) {
    int arc = buckets.arcOf(position);
    return arc >= fromArc && arc < toArc;
  }

  /**
   * Adds one record of a key at {@code position}; a key outside these arcs is ignored. Returns
   * whether it was added.
   */
  public boolean add(long position, long version, int writer, boolean tombstone) {
    int arc = buckets.arcOf(position);
    if (arc < fromArc || arc >= toArc) return false;
    int at = buckets.bucketOf(position) - fromArc * buckets.perArc();
    sums[at] += RecordDigest.of(position, version, writer, tombstone);
    counts[at]++;
    return true;
  }

  public int fromArc() {
    return fromArc;
  }

  public int toArc() {
    return toArc;
  }

  /** The digest of bucket {@code bucket} (a global bucket number, within these arcs). */
  public long sum(int bucket) {
    return sums[bucket - fromArc * buckets.perArc()];
  }

  /** The records counted in bucket {@code bucket}. */
  public int count(int bucket) {
    return counts[bucket - fromArc * buckets.perArc()];
  }

  /** The first global bucket number covered. */
  public int firstBucket() {
    return fromArc * buckets.perArc();
  }

  /** One past the last global bucket number covered. */
  public int endBucket() {
    return toArc * buckets.perArc();
  }

  /** Records counted in all. */
  public long records() {
    long n = 0;
    for (int c : counts) n += c;
    return n;
  }

  /** {@code {"sums":[..],"counts":[..]}}, one entry per bucket of these arcs, in order. */
  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    JsonArray c = new JsonArray();
    for (int i = 0; i < sums.length; i++) {
      s.add(sums[i]);
      c.add(counts[i]);
    }
    return new JsonObject().put("sums", s).put("counts", c);
  }

  /**
   * Reads {@link #toJson} of the same arcs; a wrong shape throws {@link IllegalArgumentException}.
   */
  public static BucketDigests fromJson(
      RingBuckets buckets, int fromArc, int toArc, JsonObject json) {
    BucketDigests d = new BucketDigests(buckets, fromArc, toArc);
    JsonArray s = json.getJsonArray("sums");
    JsonArray c = json.getJsonArray("counts");
    if (s == null || c == null || s.size() != d.sums.length || c.size() != d.counts.length) {
      throw new IllegalArgumentException("a digest answer needs " + d.sums.length + " buckets");
    }
    for (int i = 0; i < d.sums.length; i++) {
      d.sums[i] = ((Number) s.getValue(i)).longValue();
      d.counts[i] = ((Number) c.getValue(i)).intValue();
    }
    return d;
  }
}
