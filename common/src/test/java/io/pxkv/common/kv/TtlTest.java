package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ttl and expiresAt on the wire: query and body ttls, RFC 3339 times, moves and put batches. */
class TtlTest {
  private static final ValueLimits LIMITS = new ValueLimits(1024, 8);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aTtlIsAWholeNumberOfSecondsFromOneToTenYears() {
    assertEquals(0, Ttl.param(null), "none");
    assertEquals(1, Ttl.param("1"));
    assertEquals(Ttl.MAX_SECONDS, Ttl.param("315360000"));
    for (String bad : List.of("0", "-1", "1.5", "", " 1", "abc", "315360001", "1e3")) {
      KvException e = assertThrows(KvException.class, () -> Ttl.param(bad), bad);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
    }
    assertEquals(
        60, KvJson.parsePutBody(utf8("{\"key\":\"k\",\"value\":1,\"ttl\":60}"), LIMITS).ttl());
    assertEquals(0, KvJson.parsePutBody(utf8("{\"key\":\"k\",\"value\":1}"), LIMITS).ttl());
    for (String bad :
        List.of("0", "-5", "1.5", "\"60\"", "null", "[1]", "{}", "315360001", "1e2")) {
      byte[] body = utf8("{\"key\":\"k\",\"value\":1,\"ttl\":" + bad + "}");
      KvException e = assertThrows(KvException.class, () -> KvJson.parsePutBody(body, LIMITS), bad);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad + ": " + e.getMessage());
    }
  }

  @Test
  void expiresAtIsRfc3339UtcAndReadsBackToTheMillisecond() {
    long at = 1764159600345L;
    assertEquals("2025-11-26T12:20:00.345Z", Ttl.format(at));
    assertEquals(at, Ttl.parse(Ttl.format(at)));
    assertEquals(at, Ttl.parse("2025-11-26T13:20:00.345+01:00"));
    assertEquals(at + 60_000, Ttl.expiresAt(at, 60));
    assertEquals(0, Ttl.expiresAt(at, 0));
    assertThrows(KvException.class, () -> Ttl.parse("tomorrow"));
    assertThrows(KvException.class, () -> Ttl.parse("1970-01-01T00:00:00Z"));
    KvJson.RecordLine line =
        KvJson.parseRestoreLine(
            utf8("{\"key\":\"k\",\"value\":1,\"expiresAt\":\"2025-11-26T12:20:00.345Z\"}"), LIMITS);
    assertEquals(at, line.expiresAt());
    assertThrows(
        KvException.class,
        () ->
            KvJson.parseRecordLine(
                utf8(
                    "{\"key\":\"k\",\"deleted\":true,\"version\":1,\"expiresAt\":\"2025-11-26T12:20:00Z\"}"),
                LIMITS));
  }

  @Test
  void movesCarryTheExpiryOfValuesAsEntryKindThree() {
    Buffer body = Buffer.buffer();
    RecordBatch.append(body, utf8("a"), utf8("1"), 5, 7, 1764159600345L);
    RecordBatch.append(body, utf8("b"), utf8("2"), 6, 7, 0);
    RecordBatch.append(body, utf8("c"), null, 7, 7, 1764159600345L);
    assertEquals(
        RecordBatch.entrySize(utf8("a"), utf8("1"), 1764159600345L)
            + RecordBatch.entrySize(utf8("b"), utf8("2"), 0)
            + RecordBatch.entrySize(utf8("c"), null, 1764159600345L),
        body.length());
    assertEquals(3, body.getByte(0), "an expiring value");
    List<RecordBatch.Entry> entries = RecordBatch.decode(body);
    assertEquals(1764159600345L, entries.get(0).expiresAt());
    assertArrayEquals(utf8("1"), entries.get(0).value());
    assertEquals(0, entries.get(1).expiresAt());
    assertNull(entries.get(2).value());
    assertEquals(0, entries.get(2).expiresAt(), "a tombstone never expires");
  }

  @Test
  void putBatchesCarryThePathTtl() {
    Buffer request = Buffer.buffer();
    PutBatch.appendEntry(request, PutBatch.Form.PATH_TTL, utf8("k"), 60, Buffer.buffer("1"));
    PutBatch.appendEntry(request, PutBatch.Form.PATH, utf8("j"), Buffer.buffer("2"));
    List<PutBatch.Entry> entries = PutBatch.decodeEntries(request);
    assertEquals(PutBatch.Form.PATH_TTL, entries.get(0).form());
    assertEquals(60, entries.get(0).ttl());
    assertArrayEquals(utf8("1"), entries.get(0).body());
    assertEquals(0, entries.get(1).ttl());
    KvException cut =
        assertThrows(
            KvException.class, () -> PutBatch.decodeEntries(request.getBuffer(0, 1 + 4 + 1 + 4)));
    assertEquals(ErrorCode.INVALID_REQUEST, cut.code());
  }
}
