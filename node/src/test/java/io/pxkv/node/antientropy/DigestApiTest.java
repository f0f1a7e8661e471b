package io.pxkv.node.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.antientropy.BucketDigests;
import io.pxkv.common.antientropy.DigestRequest;
import io.pxkv.common.antientropy.RecordPage;
import io.pxkv.common.antientropy.RingBuckets;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.common.ring.Murmur3;
import io.pxkv.node.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/digest} and {@code /internal/digest/records} on two real nodes: the same
 * writes give the same digests, one differing write differs in exactly its bucket, and the pages of
 * a bucket list its records, tombstones included, with a cursor until the walk ends.
 */
class DigestApiTest {
  private static final int KEYS = 3_000;
  private static final RingBuckets RING =
      new RingBuckets(new ConsistentHashRing(List.of("a", "b", "c"), 16).tokens(), 4);
  @TempDir static Path dirA;
  @TempDir static Path dirB;
  static TestNode a;
  static TestNode b;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    a = TestNode.start("node-a", dirA, 4096);
    b = TestNode.start("node-b", dirB, 4096);
    Buffer batch = Buffer.buffer();
    for (int i = 0; i < KEYS; i++) {
      byte[] value = i % 10 == 0 ? null : ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      RecordBatch.append(batch, ("k" + i).getBytes(StandardCharsets.UTF_8), value, 1000 + i, 7);
    }
    for (TestNode n : List.of(a, b)) {
      assertEquals(
          200, post(n, "/internal/replicate", RecordBatch.CONTENT_TYPE, batch).statusCode());
    }
    // One key differs on b: a newer write.
    Buffer newer = Buffer.buffer();
    RecordBatch.append(newer, "k17".getBytes(StandardCharsets.UTF_8), "1".getBytes(), 99_999, 7);
    assertEquals(200, post(b, "/internal/replicate", RecordBatch.CONTENT_TYPE, newer).statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    a.close();
    b.close();
  }

  private static HttpResponse<byte[]> post(TestNode n, String path, String type, Buffer body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port() + path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes()))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static BucketDigests digest(TestNode n, int from, int to) throws Exception {
    HttpResponse<byte[]> r =
        post(
            n,
            "/internal/digest",
            "application/json",
            DigestRequest.digest(RING, from, to).toJson().toBuffer());
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    return BucketDigests.fromJson(RING, from, to, new JsonObject(Buffer.buffer(r.body())));
  }

  @Test
  void theSameWritesGiveTheSameDigestsAndOneNewerWriteDiffersInItsBucketOnly() throws Exception {
    BucketDigests da = digest(a, 0, RING.arcs());
    BucketDigests db = digest(b, 0, RING.arcs());
    assertEquals(KEYS, da.records(), "values and tombstones");
    int expected = RING.bucketOf(Murmur3.INSTANCE.hash("k17"));
    for (int bucket = 0; bucket < RING.count(); bucket++) {
      boolean same = da.sum(bucket) == db.sum(bucket) && da.count(bucket) == db.count(bucket);
      assertEquals(bucket != expected, same, "bucket " + bucket);
    }
    // A slice of the arcs covers only its own keys.
    BucketDigests slice = digest(a, 5, 9);
    long inSlice = 0;
    for (int bucket = slice.firstBucket(); bucket < slice.endBucket(); bucket++) {
      assertEquals(da.sum(bucket), slice.sum(bucket));
      inSlice += slice.count(bucket);
    }
    assertEquals(inSlice, slice.records());
  }

  @Test
  void recordPagesListABucketsRecordsInKeyOrderWithACursorUntilTheEnd() throws Exception {
    int[] wanted = new int[40];
    for (int i = 0; i < wanted.length; i++) wanted[i] = i * 7;
    Set<Integer> buckets = new HashSet<>();
    for (int w : wanted) buckets.add(w);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < KEYS; i++) {
      if (buckets.contains(RING.bucketOf(Murmur3.INSTANCE.hash("k" + i)))) expected.add("k" + i);
    }
    assertTrue(expected.size() > 20, expected.size() + " keys in the buckets asked");
    Set<String> seen = new HashSet<>();
    int tombstones = 0;
    String after = null;
    int pages = 0;
    do {
      HttpResponse<byte[]> r =
          post(
              a,
              "/internal/digest/records",
              "application/json",
              DigestRequest.records(RING, wanted, after, 10).toJson().toBuffer());
      assertEquals(200, r.statusCode());
      RecordPage page = RecordPage.decode(Buffer.buffer(r.body()));
      for (RecordBatch.Entry e : page.records()) {
        assertTrue(seen.add(e.key()), "listed twice: " + e.key());
        int i = Integer.parseInt(e.key().substring(1));
        assertEquals(1000 + i, e.version());
        assertEquals(7, e.writer());
        if (e.value() == null) tombstones++;
      }
      after = page.next();
      pages++;
    } while (after != null && pages < 1000);
    assertNull(after);
    assertEquals(expected, seen);
    assertTrue(tombstones > 0, "tombstones are listed");
    assertTrue(pages > 2, pages + " pages");
  }

  @Test
  void aBadBodyIsA400WithAJsonError() throws Exception {
    HttpResponse<byte[]> r =
        post(
            a,
            "/internal/digest",
            "application/json",
            Buffer.buffer("{\"tokens\":[1],\"bits\":99}"));
    assertEquals(400, r.statusCode());
    JsonObject error = new JsonObject(Buffer.buffer(r.body()));
    assertEquals("invalid_request", error.getString("error"));
    assertNotNull(error.getString("message"));
    HttpResponse<byte[]> notJson =
        post(a, "/internal/digest/records", "application/json", Buffer.buffer("[1"));
    assertEquals(400, notJson.statusCode());
  }
}
