package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KvJsonTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
    return b;
  }

  private static byte[] join(String prefix, byte[] raw, String suffix) {
    byte[] p = utf8(prefix);
    byte[] s = utf8(suffix);
    byte[] out = new byte[p.length + raw.length + s.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(raw, 0, out, p.length, raw.length);
    System.arraycopy(s, 0, out, p.length + raw.length, s.length);
    return out;
  }

  private static ErrorCode codeOf(Runnable r) {
    return assertThrows(KvException.class, r::run).code();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"text\"",
        "42",
        "-1.10",
        "12345678901234567890123",
        "1e300",
        "true",
        "false",
        "null",
        "[]",
        "{}",
        "\"\uD83D\uDE00 emoji\"",
        "[1,\"a\",null,{\"b\":[true]}]",
        "{\"z\":1,\"a\":{\"nested\":\"\\u00e9\\n\"}}"
      })
  void everyJsonTypeIsStoredCompactAndUnchanged(String value) {
    var put =
        KvJson.parsePutBody(utf8("{\"key\":\"k\",\"value\":" + value + "}"), ValueLimits.DEFAULTS);
    assertEquals("k", put.key());
    // Jackson writes \u00e9 as the character itself; everything else comes back as sent.
    assertEquals(value.replace("\\u00e9", "\u00e9"), text(put.value()));
  }

  @Test
  void whitespaceBetweenTokensIsDropped() {
    byte[] v = KvJson.parseBareValue(utf8(" { \"a\" : [ 1 , 2 ] } \n"), ValueLimits.DEFAULTS);
    assertEquals("{\"a\":[1,2]}", text(v));
  }

  @Test
  void unknownFieldsAreIgnoredAndFieldOrderDoesNotMatter() {
    var put =
        KvJson.parsePutBody(
            utf8("{\"value\":1,\"extra\":{\"x\":[1]},\"key\":\"k\"}"), ValueLimits.DEFAULTS);
    assertEquals("k", put.key());
    assertEquals("1", text(put.value()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"key\":\"k\"|invalid_json",
        "{\"key\":\"k\",\"value\":}|invalid_json",
        "[1,2]|invalid_json",
        "''|invalid_json",
        "{\"value\":1}|invalid_key",
        "{\"key\":\"\",\"value\":1}|invalid_key",
        "{\"key\":7,\"value\":1}|invalid_key",
        "{\"key\":null,\"value\":1}|invalid_key",
        "{\"key\":\"k\"}|missing_value",
        "{\"key\":\"k\",\"value\":1} trailing|invalid_json",
        "{\"key\":\"k\",\"key\":\"j\",\"value\":1}|invalid_json",
        "{\"key\":\"\\ud800\",\"value\":1}|invalid_key",
      })
  void badPutBodiesAreRejectedWithTheirCode(String body, String code) {
    assertEquals(code, codeOf(() -> KvJson.parsePutBody(utf8(body), ValueLimits.DEFAULTS)).code());
  }

  @Test
  void valueOverTheLimitIsTooLarge() {
    ValueLimits limits = new ValueLimits(10, 64);
    assertEquals("\"123456\"", text(KvJson.parseBareValue(utf8("\"123456\""), limits)));
    assertEquals(
        ErrorCode.VALUE_TOO_LARGE,
        codeOf(() -> KvJson.parseBareValue(utf8("\"123456789\""), limits)));
    String big = "[" + "1,".repeat(100_000) + "1]";
    assertEquals(ErrorCode.VALUE_TOO_LARGE, codeOf(() -> KvJson.parseBareValue(utf8(big), limits)));
  }

  @Test
  void nestingDeeperThanTheLimitIsRejected() {
    ValueLimits limits = new ValueLimits(1 << 20, 3);
    assertEquals("[[[1]]]", text(KvJson.parseBareValue(utf8("[[[1]]]"), limits)));
    assertEquals(
        ErrorCode.INVALID_VALUE, codeOf(() -> KvJson.parseBareValue(utf8("[[[[1]]]]"), limits)));
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertEquals(
        ErrorCode.INVALID_VALUE,
        codeOf(() -> KvJson.parseBareValue(utf8(deep), ValueLimits.DEFAULTS)));
  }

  @Test
  void keyBodyNeedsAStringKey() {
    assertEquals("a/b c?", KvJson.parseKeyBody(utf8("{\"key\":\"a/b c?\"}")));
    assertEquals(ErrorCode.INVALID_KEY, codeOf(() -> KvJson.parseKeyBody(utf8("{}"))));
    assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseKeyBody(utf8("{\"key\":"))));
  }

  @Test
  void invalidUtf8AnywhereInABodyIsInvalidJsonAtEveryEntryPoint() {
    // Jackson alone decodes C0 AF to '/' and passes surrogates and F4 90 80 80 (past U+10FFFF).
    List<byte[]> flaws =
        List.of(
            bytes(0xC0, 0xAF),
            bytes(0xE0, 0x80, 0xAF),
            bytes(0xF0, 0x80, 0x80, 0xAF),
            bytes(0xED, 0xA0, 0x80),
            bytes(0xF4, 0x90, 0x80, 0x80),
            bytes(0xE2, 0x82),
            bytes(0x80),
            bytes(0xFF));
    ValueLimits limits = ValueLimits.DEFAULTS;
    for (byte[] bad : flaws) {
      byte[] inKey = join("{\"key\":\"a", bad, "\",\"value\":1,\"version\":5}");
      byte[] inValue = join("{\"key\":\"k\",\"value\":[\"a", bad, "\"],\"version\":5}");
      byte[] inName = join("{\"key\":\"k\",\"value\":{\"a", bad, "\":1},\"version\":5}");
      for (byte[] body : List.of(inKey, inValue, inName)) {
        assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parsePutBody(body, limits)));
        assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseVersionedLine(body, limits)));
        assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseKeyVersionLine(body)));
        assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseKeyBody(body)));
        assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseBareValue(body, limits)));
      }
      byte[] bare = join("\"a", bad, "\"");
      assertEquals(ErrorCode.INVALID_JSON, codeOf(() -> KvJson.parseBareValue(bare, limits)));
    }
    KvException e =
        assertThrows(
            KvException.class,
            () -> KvJson.parsePutBody(join("{\"key\":\"a", bytes(0xC0, 0xAF), "\"}"), limits));
    assertEquals(
        "malformed UTF-8 (byte 0xC0 at offset 9): JSON text must be well-formed UTF-8",
        e.getMessage());
  }

  @Test
  void wellFormedUtf8OfEveryLengthIsAccepted() {
    String text = "\u00e9\u0800\uFFFD\uD83D\uDE00\uDBFF\uDFFF";
    var put =
        KvJson.parsePutBody(
            utf8("{\"key\":\"" + text + "\",\"value\":\"" + text + "\"}"), ValueLimits.DEFAULTS);
    assertEquals(text, put.key());
    assertEquals("\"" + text + "\"", text(put.value()));
  }

  @Test
  void quoteEscapesForJson() {
    assertArrayEquals(
        utf8("\"a\\\"b\\\\c\\n\u00e9\uD83D\uDE00\""), KvJson.quote("a\"b\\c\n\u00e9\uD83D\uDE00"));
  }

  @Test
  void listingPagesKeepValueBytesAndVersions() {
    KvJson.Page page =
        KvJson.parsePage(
            utf8(
                "{\"items\":[{\"key\":\"a\",\"value\":1.10,\"version\":7},"
                    + "{\"key\":\"b\u00e9\",\"value\":{\"x\":[1e5,\"\uD83D\uDE00\"]},\"version\":1795693776986000}],\"cursor\":\"Yg\"}"));
    assertEquals(2, page.items().size());
    assertEquals("1.10", text(page.items().get(0).value()));
    assertEquals(7, page.items().get(0).version());
    assertEquals("b\u00e9", page.items().get(1).key());
    assertEquals("{\"x\":[1e5,\"\uD83D\uDE00\"]}", text(page.items().get(1).value()));
    assertEquals(1795693776986000L, page.items().get(1).version());
    assertEquals("Yg", page.cursor());
    assertEquals(null, KvJson.parsePage(utf8("{\"items\":[]}")).cursor());
  }
}
