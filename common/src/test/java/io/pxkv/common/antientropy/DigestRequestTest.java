package io.pxkv.common.antientropy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.RecordBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestRequestTest {
  private static final RingBuckets RING = new RingBuckets(new long[] {100, 200, -5}, 3);

  @Test
  void bodiesSurviveJson() {
    DigestRequest d = DigestRequest.fromJson(DigestRequest.digest(RING, 1, 3).toJson(), false);
    assertEquals(RING, d.buckets());
    assertEquals(1, d.fromArc());
    assertEquals(3, d.toArc());
    DigestRequest r =
        DigestRequest.fromJson(
            DigestRequest.records(RING, new int[] {9, 2}, "k\u00e9", 50).toJson(), true);
    assertArrayEquals(new int[] {2, 9}, r.wanted());
    assertEquals("k\u00e9", r.after());
    assertEquals(50, r.limit());
  }

  @Test
  void badBodiesAre400s() {
    JsonObject good = DigestRequest.digest(RING, 0, 1).toJson();
    for (JsonObject bad :
        new JsonObject[] {
          good.copy().put("toArc", 4),
          good.copy().put("fromArc", 1),
          good.copy().put("bits", 9),
          good.copy().put("tokens", "x"),
          new JsonObject().put("bits", 1).put("fromArc", 0).put("toArc", 1),
        }) {
      KvException e = assertThrows(KvException.class, () -> DigestRequest.fromJson(bad, false));
      assertEquals(400, e.code().status(), bad.encode());
    }
    JsonObject records = DigestRequest.records(RING, new int[] {1}, null, 5).toJson();
    assertThrows(
        KvException.class, () -> DigestRequest.fromJson(records.copy().put("limit", 0), true));
    assertThrows(
        KvException.class,
        () -> DigestRequest.fromJson(records.copy().put("buckets", java.util.List.of(24)), true));
  }

  @Test
  void aRecordPageCarriesItsCursorAndRecords() {
    Buffer batch = Buffer.buffer();
    RecordBatch.append(batch, "a".getBytes(StandardCharsets.UTF_8), "1".getBytes(), 5, 2, 0);
    RecordBatch.append(batch, "b".getBytes(StandardCharsets.UTF_8), null, 6, 3, 0);
    RecordPage page = RecordPage.decode(RecordPage.encode("z\u00e9", batch));
    assertEquals("z\u00e9", page.next());
    assertEquals(2, page.records().size());
    assertNull(page.records().get(1).value());
    RecordPage last = RecordPage.decode(RecordPage.encode(null, Buffer.buffer()));
    assertNull(last.next());
    assertTrue(last.records().isEmpty());
    assertThrows(
        IllegalArgumentException.class,
        () -> RecordPage.decode(Buffer.buffer().appendInt(10).appendByte((byte) 'a')));
  }
}
