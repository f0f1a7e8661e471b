package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyOrderTest {
  @Test
  void charactersAboveTheBmpSortAfterTheTopOfTheBmpAsInUtf8() {
    String rocket = "\uD83D\uDE80"; // U+1F680
    String privateUse = "\uE000";
    String replacement = "\uFFFD";
    assertTrue(rocket.compareTo(privateUse) < 0, "UTF-16 order puts the rocket first");
    assertTrue(KeyOrder.UTF8.compare(rocket, privateUse) > 0);
    assertTrue(KeyOrder.UTF8.compare(replacement, rocket) < 0);
    assertTrue(KeyOrder.UTF8.compare("a", "ab") < 0);
    assertTrue(KeyOrder.UTF8.compare("z", "\u00e9") < 0);
    assertEquals(0, KeyOrder.UTF8.compare("k\uD83D\uDE80", "k\uD83D\uDE80"));
  }

  @Test
  void agreesWithComparingTheUtf8BytesUnsigned() {
    Random random = new Random(20261204L);
    String[] alphabet = {
      "a",
      "b",
      "z",
      "\u007f",
      "\u0080",
      "\u00e9",
      "\u07ff",
      "\u0800",
      "\uD7FF",
      "\uE000",
      "\uFFFD",
      "\uFFFF",
      "\uD800\uDC00",
      "\uD83D\uDE80",
      "\uDBFF\uDFFF",
      ""
    };
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(5);
      for (int j = 0; j < length; j++) s.append(alphabet[random.nextInt(alphabet.length)]);
      keys.add(s.toString());
    }
    for (int i = 0; i + 1 < keys.size(); i++) {
      String a = keys.get(i);
      String b = keys.get(i + 1);
      int bytes =
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
      assertEquals(Integer.signum(bytes), Integer.signum(KeyOrder.UTF8.compare(a, b)), a + " " + b);
    }
  }
}
