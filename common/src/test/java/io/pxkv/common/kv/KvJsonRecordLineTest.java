package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON lines records travel in between nodes: imports, scans, handoffs, restores. */
class KvJsonRecordLineTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode codeOf(Runnable r) {
    return assertThrows(KvException.class, r::run).code();
  }

  @Test
  void aValueLineKeepsKeyCompactValueVersionAndWriter() {
    var line =
        KvJson.parseRecordLine(
            utf8("{\"writer\":4294967295, \"version\": 9, \"value\": [1, 2.50], \"key\": \"k\"}"),
            ValueLimits.DEFAULTS);
    assertEquals("k", line.key());
    assertEquals("[1,2.50]", new String(line.value(), StandardCharsets.UTF_8));
    assertEquals(9, line.version());
    assertEquals(-1, line.writer());
  }

  @Test
  void aTombstoneLineHasNoValueAndTheWriterDefaultsToZero() {
    var line =
        KvJson.parseRecordLine(
            utf8("{\"key\":\"k\",\"deleted\":true,\"version\":3}"), ValueLimits.DEFAULTS);
    assertTrue(line.deleted());
    assertNull(line.value());
    assertEquals(0, line.writer());
  }

  @Test
  void aStampLineIgnoresValues() {
    var line =
        KvJson.parseKeyStampLine(
            utf8("{\"key\":\"k\",\"value\":[[1]],\"version\":3,\"writer\":5}"));
    assertEquals(new KvJson.KeyStamp("k", 3, 5), line);
  }

  @Test
  void aRestoreLineMayLeaveOutTheVersion() {
    var line = KvJson.parseRestoreLine(utf8("{\"key\":\"k\",\"value\":1}"), ValueLimits.DEFAULTS);
    assertEquals(0, line.version());
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(
            () ->
                KvJson.parseRestoreLine(
                    utf8("{\"key\":\"k\",\"deleted\":true}"), ValueLimits.DEFAULTS)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "4294967296", "1.5", "\"3\"", "null", "[]"})
  void aWriterOutsideUnsigned32BitsIsRefused(String writer) {
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(
            () ->
                KvJson.parseRecordLine(
                    utf8("{\"key\":\"k\",\"value\":1,\"version\":3,\"writer\":" + writer + "}"),
                    ValueLimits.DEFAULTS)));
  }

  @Test
  void linesMissingOrMixingFieldsAreRefusedWithTheRightCode() {
    ValueLimits limits = ValueLimits.DEFAULTS;
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(() -> KvJson.parseRecordLine(utf8("{\"key\":\"k\",\"value\":1}"), limits)));
    assertEquals(
        ErrorCode.MISSING_VALUE,
        codeOf(() -> KvJson.parseRecordLine(utf8("{\"key\":\"k\",\"version\":1}"), limits)));
    assertEquals(
        ErrorCode.MISSING_VALUE,
        codeOf(
            () ->
                KvJson.parseRecordLine(
                    utf8("{\"key\":\"k\",\"deleted\":false,\"version\":1}"), limits)));
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(
            () ->
                KvJson.parseRecordLine(
                    utf8("{\"key\":\"k\",\"value\":1,\"deleted\":true,\"version\":1}"), limits)));
    assertEquals(
        ErrorCode.INVALID_JSON,
        codeOf(
            () ->
                KvJson.parseRecordLine(
                    utf8("{\"key\":\"k\",\"writer\":1,\"writer\":2,\"value\":1,\"version\":1}"),
                    limits)));
    assertEquals(
        ErrorCode.INVALID_KEY, codeOf(() -> KvJson.parseKeyStampLine(utf8("{\"version\":1}"))));
  }
}
