package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Key order is the order of the keys' UTF-8 bytes, unsigned. */
class KeyOrderTest {
  private static int bytewise(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void charactersAboveTheBasicPlaneSortAfterTheTopOfIt() {
    String fffd = "\uFFFD";
    String emoji = "\uD83D\uDE00";
    assertTrue(fffd.compareTo(emoji) > 0, "UTF-16 puts the surrogates first");
    assertTrue(KeyOrder.compare(fffd, emoji) < 0, "UTF-8 puts them last");
    assertTrue(KeyOrder.compare("a", "ab") < 0);
    assertTrue(KeyOrder.compare("\u00e9", "z") > 0);
    assertEquals(0, KeyOrder.compare(emoji, "\uD83D\uDE00"));
  }

  @Test
  void agreesWithComparingTheUtf8BytesOnRandomKeys() {
    Random random = new Random(7);
    int[] pool = {
      'a', 'z', 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff
    };
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(4);
      for (int j = 0; j < n; j++) b.appendCodePoint(pool[random.nextInt(pool.length)]);
      keys.add(b.toString());
    }
    for (int i = 0; i + 1 < keys.size(); i++) {
      String a = keys.get(i);
      String b = keys.get(i + 1);
      assertEquals(
          Integer.signum(bytewise(a, b)),
          Integer.signum(KeyOrder.compare(a, b)),
          () -> a.codePoints().boxed().toList() + " vs " + b.codePoints().boxed().toList());
    }
    List<String> sorted = new ArrayList<>(keys);
    sorted.sort(KeyOrder.UTF8);
    List<String> byBytes = new ArrayList<>(keys);
    byBytes.sort(KeyOrderTest::bytewise);
    assertEquals(byBytes, sorted);
  }
}
