package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanRecordTest {
  @Test
  void everyKindOfValueComesThroughByteForByte() {
    List<String> values =
        List.of(
            "1",
            "-0.5e+10",
            "12345678901234567890123",
            "1.10",
            "true",
            "false",
            "null",
            "\"\"",
            "\"a \\\"quoted\\\" \\\\ \\u0000 line\\n\"",
            "\"\u00e9\u20ac\uD83D\uDE80\"",
            "[]",
            "{}",
            "[1,[2,{\"a\":[]}],\"]}\"]",
            "{\"k\":{\"n\":null},\"s\":\"}\"}");
    for (String value : values) {
      for (String line :
          List.of(
              "{\"key\":\"k\",\"value\":" + value + ",\"version\":7,\"writer\":3}",
              "{\"value\":" + value + ",\"key\":\"k\",\"version\":7,\"writer\":3}",
              "{\"key\":\"k\",\"version\":7,\"writer\":3,\"value\":" + value + "}",
              "{ \"key\" : \"k\" , \"value\" : " + value + " , \"version\" : 7, \"writer\":3 }")) {
        ScanRecord r = ScanRecord.parse(Buffer.buffer(line));
        assertEquals(value, r.value().toString(), line);
        assertEquals("k", r.key());
        assertEquals(7, r.version());
        assertEquals(3, r.writer());
      }
    }
  }

  @Test
  void aTombstoneHasNoValue() {
    ScanRecord r =
        ScanRecord.parse(
            Buffer.buffer("{\"key\":\"k\\u00e9\",\"deleted\":true,\"version\":9,\"writer\":1}"));
    assertTrue(r.deleted());
    assertNull(r.value());
    assertEquals("k\u00e9", r.key());
  }

  @Test
  void aHandoffMarkerHasNoValueAndIsNoTombstone() {
    ScanRecord r =
        ScanRecord.parse(
            Buffer.buffer(
                "{\"key\":\"k\",\"handedOff\":true,\"version\":9,\"writer\":4294967295}"));
    assertTrue(r.handedOff());
    assertFalse(r.deleted());
    assertNull(r.value());
    assertEquals(-1, r.writer());
    ScanRecord copy =
        ScanRecord.parse(
            Buffer.buffer("{\"key\":\"k\",\"value\":1,\"version\":9,\"writer\":4294967295}"));
    assertTrue(copy.supersedes(r), "the copy of the write that left wins over its marker");
    assertFalse(r.supersedes(copy));
    assertFalse(r.newerThan(copy) || copy.newerThan(r), "the same write");
  }

  @Test
  void theWriterIsAnUnsigned32BitNumberAndMayBeAbsent() {
    assertEquals(
        0x9000_0000,
        ScanRecord.parse(line("\"writer\":" + 0x9000_0000L)).writer(),
        "unsigned, as nodes send it");
    assertEquals(0x9000_0000, ScanRecord.parse(line("\"writer\":" + 0x9000_0000)).writer());
    assertEquals(
        0, ScanRecord.parse(Buffer.buffer("{\"key\":\"k\",\"value\":1,\"version\":2}")).writer());
    assertTrue(
        ScanRecord.parse(line("\"writer\":" + 0x9000_0000L))
            .newerThan(ScanRecord.parse(line("\"writer\":7"))));
  }

  @Test
  void anythingElseIsRefusedSayingWhy() {
    for (String bad :
        List.of(
            "",
            "[]",
            "{\"key\":\"k\",\"value\":1}",
            "{\"key\":\"k\",\"value\":1,\"version\":0}",
            "{\"key\":\"k\",\"value\":1,\"version\":\"7\"}",
            "{\"key\":\"k\",\"value\":1,\"version\":99999999999999999999}",
            "{\"key\":1,\"value\":1,\"version\":7}",
            "{\"value\":1,\"version\":7}",
            "{\"key\":\"k\",\"version\":7}",
            "{\"key\":\"k\",\"value\":1,\"version\":7,\"writer\":4294967296}",
            "{\"key\":\"k\",\"value\":1,\"version\":7} {}",
            "{\"key\":\"k\",\"value\":[1,\"version\":7}",
            "{\"key\":\"k\",\"value\":1,\"handedOff\":true,\"version\":7}",
            "{\"key\":\"k\",\"deleted\":true,\"handedOff\":true,\"version\":7}",
            "{\"key\":\"k\",\"handedOff\":true}")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ScanRecord.parse(Buffer.buffer(bad)));
      assertTrue(e.getMessage().length() > 3, bad);
    }
  }

  private static Buffer line(String writer) {
    return Buffer.buffer("{\"key\":\"k\",\"value\":1,\"version\":2," + writer + "}");
  }
}
