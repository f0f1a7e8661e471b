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
            "{\"n\":7,\"s\":\"bench-value\"}")) {
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
            "\"é\"",
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
      else if (pick == 3) s.append("é");
      else if (pick == 4) s.append("\\/");
      else s.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return s.append('"').toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
