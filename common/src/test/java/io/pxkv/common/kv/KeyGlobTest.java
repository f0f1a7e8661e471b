package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeyGlobTest {
  @Test
  void theRedisSyntaxMatchesWholeKeys() {
    assertMatches("user:*", "user:", "user:42", "user:*");
    assertNotMatches("user:*", "users", "xuser:1");
    assertMatches("h?llo", "hello", "hallo", "h🚀llo");
    assertNotMatches("h?llo", "hllo", "heello");
    assertMatches("h[ae]llo", "hello", "hallo");
    assertNotMatches("h[ae]llo", "hillo");
    assertMatches("h[^e]llo", "hallo", "hbllo");
    assertNotMatches("h[^e]llo", "hello", "hllo");
    assertMatches("h[a-b]llo", "hallo", "hbllo");
    assertNotMatches("h[a-b]llo", "hcllo");
    assertMatches("h[b-a]llo", "hallo"); // as Redis: reversed ranges are turned round
    assertMatches("a\\*b", "a*b");
    assertNotMatches("a\\*b", "axb");
    assertMatches("[\\]x]", "]", "x");
    assertMatches("[-a]", "-", "a");
    assertMatches("[a-]", "-", "a");
    assertMatches("[é-ê🚀]", "é", "ê", "🚀");
    assertMatches("*", "", "anything");
    assertMatches("", "");
    assertNotMatches("", "a");
    assertMatches("**a**", "a", "bab");
    assertMatches("*a*b*c", "abc", "xxaxxbxxc", "acbc");
    assertNotMatches("*a*b*c", "acb", "abcx");
  }

  @Test
  void theLiteralPrefixEndsAtTheFirstSpecialCharacter() {
    assertEquals("user:", KeyGlob.parse("user:*").literalPrefix());
    assertEquals("a*b", KeyGlob.parse("a\\*b?").literalPrefix());
    assertEquals("", KeyGlob.parse("[u]ser").literalPrefix());
    assertEquals("h", KeyGlob.parse("h?llo").literalPrefix());
    assertEquals("all", KeyGlob.parse("all").literalPrefix());
  }

  @Test
  void malformedGlobsAreRefusedSayingWhy() {
    for (String bad : List.of("[abc", "abc\\", "[a\\", "[]", "[^]", "x[a-\\")) {
      KvException e = assertThrows(KvException.class, () -> KeyGlob.parse(bad), bad);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
      assertTrue(e.getMessage().startsWith("match glob "), e.getMessage());
    }
    assertThrows(KvException.class, () -> KeyGlob.parse("*".repeat(KeyGlob.MAX_GLOB_CHARS + 1)));
  }

  @Test
  void manyStarsOverALongKeyTakeNoBacktracking() {
    String key = "a".repeat(1024);
    KeyGlob worst = KeyGlob.parse("*a".repeat(40) + "*b");
    KeyGlob long1 = KeyGlob.parse("*" + "a".repeat(500) + "b*");
    KeyGlob wide = KeyGlob.parse("*a".repeat(200) + "*");
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 200; i++) {
            assertFalse(worst.matches(key));
            assertFalse(long1.matches(key));
            assertTrue(wide.matches(key));
          }
        });
  }

  /**
   * Counted, not timed: the matcher's work on {@code *a*a*a*a*a*a*a*b} is the key's length (one
   * word of states), while a backtracking matcher on the same glob and a far shorter key takes
   * orders of magnitude more steps.
   */
  @Test
  void aHostileGlobStaysLinearInTheKeysLength() {
    String hostile = "*a*a*a*a*a*a*a*b";
    KeyGlob glob = KeyGlob.parse(hostile);
    for (int n : new int[] {40, 1024, 100_000}) {
      String key = "a".repeat(n);
      assertFalse(glob.matches(key));
      assertEquals(n, glob.steps(key), "one word operation per character, n = " + n);
    }
    long[] backtracking = {0};
    assertFalse(backtrack(hostile, 0, "a".repeat(40), 0, backtracking));
    assertTrue(
        backtracking[0] > 1_000_000,
        "a backtracking matcher takes " + backtracking[0] + " steps on 40 characters");
    assertTrue(backtracking[0] > 10_000 * glob.steps("a".repeat(40)), "orders of magnitude");
    KeyGlob wide = KeyGlob.parse("*a".repeat(200) + "*");
    assertEquals(7 * 1024, wide.steps("a".repeat(1024)), "402 states take 7 words per character");
  }

  /** The textbook recursive glob matcher (stars and literals only), counting its calls. */
  private static boolean backtrack(String glob, int g, String key, int k, long[] steps) {
    steps[0]++;
    if (g == glob.length()) return k == key.length();
    if (glob.charAt(g) == '*') {
      for (int skip = k; skip <= key.length(); skip++) {
        if (backtrack(glob, g + 1, key, skip, steps)) return true;
      }
      return false;
    }
    return k < key.length()
        && glob.charAt(g) == key.charAt(k)
        && backtrack(glob, g + 1, key, k + 1, steps);
  }

  /** Random globs and keys over a small alphabet, against java.util.regex as the reference. */
  @Test
  void agreesWithARegularExpressionOnRandomGlobs() {
    Random random = new Random(7);
    String[] pieces = {"a", "b", "é", "🚀", "*", "?", "[ab]", "[^a]", "[a-é]", "\\*", "\\?", "*"};
    String[] keyChars = {"a", "b", "é", "🚀", "*", "?", "c"};
    for (int round = 0; round < 3000; round++) {
      // Every third glob is longer than 64 positions: its states span several words.
      String lead = round % 3 == 0 ? "a?".repeat(40) : "";
      StringBuilder glob = new StringBuilder(lead);
      StringBuilder regex = new StringBuilder(lead.replace("?", "."));
      for (int n = random.nextInt(6); n > 0; n--) {
        String p = pieces[random.nextInt(pieces.length)];
        glob.append(p);
        regex.append(
            switch (p) {
              case "*" -> ".*";
              case "?" -> ".";
              case "\\*" -> "\\*";
              case "\\?" -> "\\?";
              case "[ab]", "[^a]", "[a-é]" -> p;
              default -> Pattern.quote(p);
            });
      }
      KeyGlob parsed = KeyGlob.parse(glob.toString());
      Pattern reference = Pattern.compile(regex.toString(), Pattern.DOTALL);
      for (int k = 0; k < 20; k++) {
        StringBuilder key = new StringBuilder(random.nextBoolean() ? "ab".repeat(40) : "");
        for (int n = random.nextInt(7); n > 0; n--) key.append(keyChars[random.nextInt(7)]);
        assertEquals(
            reference.matcher(key).matches(),
            parsed.matches(key.toString()),
            "glob '" + glob + "' on '" + key + "'");
      }
    }
  }

  private static void assertMatches(String glob, String... keys) {
    KeyGlob parsed = KeyGlob.parse(glob);
    for (String key : keys) assertTrue(parsed.matches(key), glob + " should match " + key);
  }

  private static void assertNotMatches(String glob, String... keys) {
    KeyGlob parsed = KeyGlob.parse(glob);
    for (String key : keys) assertFalse(parsed.matches(key), glob + " should not match " + key);
  }
}
