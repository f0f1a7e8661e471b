package io.pxkv.common.antientropy;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The body of a router's anti-entropy calls to a node (docs/API.md, "Internal calls"):
 *
 * <ul>
 *   <li>{@code POST /internal/digest} {@code {"tokens":[..],"bits":B,"fromArc":A,"toArc":Z}}: the
 *       {@link BucketDigests} of those arcs over every record the node holds.
 *   <li>{@code POST /internal/digest/records} {@code {"tokens":[..],"bits":B,"buckets":[..],
 *       "after":K,"limit":N}}: the node's records (values and tombstones) in those buckets, in key
 *       order after {@code K}.
 * </ul>
 *
 * The tokens are the ring's positions (signed 64-bit numbers read as unsigned), in the router's
 * view, so node and router put every key in the same bucket whatever layout the node knows.
 *
 * @param buckets the ring's buckets
 * @param fromArc first arc of a digest (0 for a records call)
 * @param toArc one past the last arc of a digest (0 for a records call)
 * @param wanted the buckets of a records call, sorted; empty for a digest
 * @param after the records call's cursor: keys strictly after it; null from the start
 * @param limit most records a records call answers (0 for a digest)
 */
public record DigestRequest(
    RingBuckets buckets, int fromArc, int toArc, int[] wanted, String after, int limit) {
  /** Most records one records call answers. */
  public static final int MAX_LIMIT = 10_000;

  /** A digest of arcs {@code [fromArc, toArc)}. */
  public static DigestRequest digest(RingBuckets buckets, int fromArc, int toArc) {
    return new DigestRequest(buckets, fromArc, toArc, new int[0], null, 0);
  }

  /** A page of the records in {@code wanted} after {@code after}. */
  public static DigestRequest records(RingBuckets buckets, int[] wanted, String after, int limit) {
    int[] sorted = wanted.clone();
    Arrays.sort(sorted);
    return new DigestRequest(buckets, 0, 0, sorted, after, limit);
  }

  /** Whether the key at ring position {@code position} is in one of the wanted buckets. */
  public boolean wants(long position) {
    return Arrays.binarySearch(wanted, buckets.bucketOf(position)) >= 0;
  }

  public JsonObject toJson() {
    JsonArray t = new JsonArray();
    for (long token : buckets.tokens()) t.add(token);
    JsonObject json = new JsonObject().put("tokens", t).put("bits", buckets.bits());
    if (limit == 0) return json.put("fromArc", fromArc).put("toArc", toArc);
    JsonArray w = new JsonArray();
    for (int b : wanted) w.add(b);
    return json.put("buckets", w).put("after", after).put("limit", limit);
  }

  /** Reads a digest body ({@code records} false) or a records body; bad input is a 400. */
  public static DigestRequest fromJson(JsonObject json, boolean records) {
    try {
      JsonArray t = json.getJsonArray("tokens");
      if (t == null) throw bad("tokens: required");
      long[] tokens = new long[t.size()];
      for (int i = 0; i < tokens.length; i++) tokens[i] = whole(t.getValue(i), "tokens");
      int bits = (int) whole(json.getValue("bits"), "bits");
      RingBuckets buckets = new RingBuckets(tokens, bits);
      if (!records) {
        int from = (int) whole(json.getValue("fromArc"), "fromArc");
        int to = (int) whole(json.getValue("toArc"), "toArc");
        if (from < 0 || to > buckets.arcs() || from >= to) {
          throw bad("fromArc, toArc: an arc range within 0.." + buckets.arcs());
        }
        return digest(buckets, from, to);
      }
      JsonArray w = json.getJsonArray("buckets");
      if (w == null) throw bad("buckets: required");
      int[] wanted = new int[w.size()];
      for (int i = 0; i < wanted.length; i++) {
        long b = whole(w.getValue(i), "buckets");
        if (b < 0 || b >= buckets.count()) throw bad("buckets: 0.." + (buckets.count() - 1));
        wanted[i] = (int) b;
      }
      String after = json.getString("after");
      if (after != null) KeyRules.validate(after);
      long limit = whole(json.getValue("limit"), "limit");
      if (limit < 1 || limit > MAX_LIMIT) throw bad("limit: 1.." + MAX_LIMIT);
      return records(buckets, wanted, after, (int) limit);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw bad(e.getMessage());
    }
  }

  private static long whole(Object v, String name) {
    if (!(v instanceof Integer || v instanceof Long)) throw bad(name + ": whole numbers required");
    return ((Number) v).longValue();
  }

  private static KvException bad(String message) {
    return new KvException(ErrorCode.INVALID_REQUEST, message);
  }
}
