package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON lines of the internal rebalancing calls: key, value and version. */
class KvJsonVersionedLineTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode codeOf(Runnable r) {
    return assertThrows(KvException.class, r::run).code();
  }

  @Test
  void aVersionedLineKeepsKeyCompactValueAndVersion() {
    var line =
        KvJson.parseVersionedLine(
            utf8(
                "{ \"version\": 9007199254740993, \"value\": [1, {\"a\": 1.10}], \"key\": \"k/1\""
                    + " }"),
            ValueLimits.DEFAULTS);
    assertEquals("k/1", line.key());
    assertEquals("[1,{\"a\":1.10}]", new String(line.value(), StandardCharsets.UTF_8));
    assertEquals(9007199254740993L, line.version());
  }

  @Test
  void aKeyVersionLineIgnoresAValue() {
    var line =
        KvJson.parseKeyVersionLine(utf8("{\"key\":\"k\",\"value\":[[[[1]]]],\"version\":3}"));
    assertEquals(new KvJson.KeyVersion("k", 3), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1.0", "1e3", "\"5\"", "null", "[5]", "9223372036854775808"})
  void aVersionMustBeAPositive64BitInteger(String version) {
    String body = "{\"key\":\"k\",\"value\":1,\"version\":" + version + "}";
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(() -> KvJson.parseVersionedLine(utf8(body), ValueLimits.DEFAULTS)));
    assertEquals(ErrorCode.INVALID_REQUEST, codeOf(() -> KvJson.parseKeyVersionLine(utf8(body))));
  }

  @Test
  void missingOrRepeatedFieldsAreRefused() {
    ValueLimits limits = ValueLimits.DEFAULTS;
    assertEquals(
        ErrorCode.INVALID_REQUEST,
        codeOf(() -> KvJson.parseVersionedLine(utf8("{\"key\":\"k\",\"value\":1}"), limits)));
    assertEquals(
        ErrorCode.MISSING_VALUE,
        codeOf(() -> KvJson.parseVersionedLine(utf8("{\"key\":\"k\",\"version\":1}"), limits)));
    assertEquals(
        ErrorCode.INVALID_KEY, codeOf(() -> KvJson.parseKeyVersionLine(utf8("{\"version\":1}"))));
    assertEquals(
        ErrorCode.INVALID_JSON,
        codeOf(
            () -> KvJson.parseKeyVersionLine(utf8("{\"key\":\"k\",\"version\":1,\"version\":2}"))));
    assertEquals(
        ErrorCode.INVALID_JSON,
        codeOf(() -> KvJson.parseKeyVersionLine(utf8("{\"key\":\"k\",\"version\":1} {}"))));
  }
}
