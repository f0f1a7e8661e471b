package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactJson}, the fast path of {@link KvJson#parseBareValue}: whatever it accepts must be
 * exactly what the full Jackson path would store, and whatever it refuses goes that path.
 */
class CompactJsonTest {
  private static final ValueLimits LIMITS = new ValueLimits(4096, 8);

  @Test
  void compactValuesAreAcceptedAndStoredAsTheyCame() {
    for (String json :
        List.of(
            "0",
            "-0",
            "12",
            "-3.140",
            "1e-7",
            "2E+10",
            "98765432109876543210",
            "true",
            "false",
            "null",
            "\"\"",
            "\"a b/c~'\"",
            "[]",
            "{}",
            "[1,[2,[3]],{\"a\":null}]",
            "{\"n\":7,\"s\":\"bench-value\"}",
            "\"\u00e9\"",
            "{\"caf\u00e9\":[\"\u4e2d\u6587\",\"\uD83D\uDE00\",\"\u2028\"]}")) {
      byte[] bytes = utf8(json);
      assertTrue(CompactJson.isCompact(bytes, LIMITS.maxDepth()), json);
      assertSame(bytes, KvJson.parseBareValue(bytes, LIMITS), json);
      assertArrayEquals(bytes, fullPath(json), json);
    }
  }

  @Test
  void anythingElseGoesTheFullPath() {
    for (String json :
        List.of(
            "",
            " 1",
            "1 ",
            "[1, 2]",
            "{\"a\": 1}",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{a:1}",
            "{1:2}",
            "[1",
            "{\"a\":1",
            "\"open",
            "tru",
            "nul",
            "truex",
            "[true false]",
            "\"tab\there\"",
            "\"esc\\\"aped\"",
            "\"\\u0041\"",
            "\"del\u007f\"",
            "NaN",
            "1".repeat(101),
            "[[[[[[[[[1]]]]]]]]]",
            "1]",
            "[]]",
            "{}{}")) {
      assertFalse(CompactJson.isCompact(utf8(json), LIMITS.maxDepth()), json);
    }
    // Refused by the fast path, then compacted (or refused with a reason) by the full one.
    assertArrayEquals(utf8("[1,2]"), KvJson.parseBareValue(utf8("[1, 2]"), LIMITS));
    assertArrayEquals(utf8("\"A\""), KvJson.parseBareValue(utf8("\"\\u0041\""), LIMITS));
    assertEquals(ErrorCode.INVALID_JSON, refused("01"));
    assertEquals(ErrorCode.INVALID_VALUE, refused("[[[[[[[[[1]]]]]]]]]"));
    assertEquals(ErrorCode.VALUE_TOO_LARGE, refused("\"" + "v".repeat(4095) + "\""));
    assertEquals(ErrorCode.MISSING_VALUE, refused(""));
  }

  @Test
  void everyNonAsciiCodePointTakesTheFastPathAndIsWhatJacksonWouldStore() {
    StringBuilder chunk = new StringBuilder();
    for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;
      chunk.appendCodePoint(cp);
      if (chunk.length() >= 1024 || cp == Character.MAX_CODE_POINT) {
        String json = "\"" + chunk + "\"";
        assertTrue(CompactJson.isCompact(utf8(json), LIMITS.maxDepth()), "up to U+" + cp);
        assertArrayEquals(utf8(json), fullPath(json), "up to U+" + cp);
        chunk.setLength(0);
      }
    }
  }

  @Test
  void illFormedUtf8IsNeverCompactAndTheFullPathRefusesIt() {
    int[][] flaws = {
      {0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80},
      {0xE2, 0x82}, {0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xFF}
    };
    for (int[] flaw : flaws) {
      for (String[] around : new String[][] {{"\"a", "\""}, {"{\"a", "\":1}"}, {"[\"", "z\"]"}}) {
        byte[] head = utf8(around[0]);
        byte[] tail = utf8(around[1]);
        byte[] json = new byte[head.length + flaw.length + tail.length];
        System.arraycopy(head, 0, json, 0, head.length);
        for (int i = 0; i < flaw.length; i++) json[head.length + i] = (byte) flaw[i];
        System.arraycopy(tail, 0, json, head.length + flaw.length, tail.length);
        assertFalse(CompactJson.isCompact(json, LIMITS.maxDepth()));
        KvException e = assertThrows(KvException.class, () -> KvJson.parseBareValue(json, LIMITS));
        assertEquals(ErrorCode.INVALID_JSON, e.code());
      }
    }
  }

  @Test
  void randomValuesTheFastPathAcceptsAreExactlyWhatJacksonWouldStore() {
    Random random = new Random(42);
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      String json = randomValue(random, 0);
      boolean compact = CompactJson.isCompact(utf8(json), LIMITS.maxDepth());
      if (compact) {
        accepted++;
        assertArrayEquals(utf8(json), fullPath(json), json);
      }
    }
    assertTrue(
        accepted > 5_000, "the generator must mostly make values the fast path takes: " + accepted);
  }

  /** What the full path stores for {@code json}: a leading space keeps the fast path out. */
  private static byte[] fullPath(String json) {
    return KvJson.parseBareValue(utf8(" " + json), LIMITS);
  }

  private static ErrorCode refused(String json) {
    return assertThrows(KvException.class, () -> KvJson.parseBareValue(utf8(json), LIMITS)).code();
  }

  /**
   * Compact JSON, sometimes with what the fast path must refuse: escapes, non-ASCII, spaces, depth.
   */
  private static String randomValue(Random r, int depth) {
    switch (r.nextInt(depth > 9 ? 4 : 7)) {
      case 0:
        return randomNumber(r);
      case 1:
        return randomString(r);
      case 2:
        return List.of("true", "false", "null").get(r.nextInt(3));
      case 3:
        return r.nextInt(50) == 0 ? " 1" : "7";
      case 4:
        {
          StringBuilder s = new StringBuilder("[");
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) s.append(i > 0 ? "," : "").append(randomValue(r, depth + 1));
          return s.append(']').toString();
        }
      default:
        {
          StringBuilder s = new StringBuilder("{");
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            s.append(i > 0 ? "," : "")
                .append(randomString(r))
                .append(':')
                .append(randomValue(r, depth + 1));
          }
          return s.append('}').toString();
        }
    }
  }

  private static String randomNumber(Random r) {
    StringBuilder s = new StringBuilder();
    if (r.nextBoolean()) s.append('-');
    s.append(r.nextInt(5) == 0 ? "0" : String.valueOf(1 + r.nextInt(100_000)));
    if (r.nextBoolean()) s.append('.').append(r.nextInt(1000));
    if (r.nextInt(4) == 0)
      s.append(r.nextBoolean() ? 'e' : 'E')
          .append(List.of("", "+", "-").get(r.nextInt(3)))
          .append(r.nextInt(30));
    return s.toString();
  }

  private static String randomString(Random r) {
    String alphabet = "abcXYZ09 -_/:~'!#";
    StringBuilder s = new StringBuilder("\"");
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(60);
      if (pick == 0) s.append("\\\"");
      else if (pick == 1) s.append("\\n");
      else if (pick == 2) s.append("\\u00e9");
      else if (pick == 3)
        s.append(List.of("é", "\u4e2d", "\uD83D\uDE00", "\u0085").get(r.nextInt(4)));
      else if (pick == 4) s.append("\\/");
      else s.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return s.append('"').toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
