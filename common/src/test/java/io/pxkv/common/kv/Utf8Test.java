package io.pxkv.common.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8} against the JDK's strict decoder ({@code CodingErrorAction.REPORT}), the reference:
 * for every byte string both must agree whether it is well-formed and, if not, at which byte the
 * first ill-formed sequence starts.
 */
class Utf8Test {
  private static final CharsetDecoder JDK =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** The JDK's answer: the index where strict decoding stops, or -1 when it decodes entirely. */
  private static int jdkFirstInvalid(byte[] b) {
    CharsetDecoder decoder = JDK.reset();
    ByteBuffer in = ByteBuffer.wrap(b);
    CharBuffer out = CharBuffer.allocate(b.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) return in.position();
    assertTrue(result.isUnderflow(), "the output buffer is large enough");
    result = decoder.flush(out);
    return result.isError() ? in.position() : -1;
  }

  private static void assertAgrees(byte[] b) {
    int expected = jdkFirstInvalid(b);
    assertEquals(expected, Utf8.firstInvalid(b, 0, b.length), () -> hex(b));
    if (expected < 0) {
      assertEquals(new String(b, StandardCharsets.UTF_8), Utf8.decodeStrict(b), () -> hex(b));
    } else {
      assertNull(Utf8.decodeStrict(b), () -> hex(b));
    }
  }

  @Test
  void everySequenceOfUpToThreeBytesIsJudgedAsTheJdkJudgesIt() {
    // Every one- and two-byte string, and every three-byte string whose first byte is not ASCII
    // (an ASCII first byte adds nothing new): 8.4 million strings, each an edge of some rule.
    byte[] one = new byte[1];
    byte[] two = new byte[2];
    byte[] three = new byte[3];
    for (int a = 0; a < 256; a++) {
      one[0] = (byte) a;
      assertAgrees(one);
      for (int b = 0; b < 256; b++) {
        two[0] = (byte) a;
        two[1] = (byte) b;
        assertAgrees(two);
        if (a < 0x80) continue;
        for (int c = 0; c < 256; c++) {
          three[0] = (byte) a;
          three[1] = (byte) b;
          three[2] = (byte) c;
          assertAgrees(three);
        }
      }
    }
  }

  @Test
  void fourByteSequencesAtTheEdgesOfEveryRangeAgreeWithTheJdk() {
    // The boundaries of each byte's range in table 3-7, with neighbours on both sides.
    int[] edges = {
      0x00, 0x41, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
      0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFE, 0xFF
    };
    byte[] four = new byte[4];
    for (int a : edges) {
      for (int b : edges) {
        for (int c : edges) {
          for (int d : edges) {
            four[0] = (byte) a;
            four[1] = (byte) b;
            four[2] = (byte) c;
            four[3] = (byte) d;
            assertAgrees(four);
          }
        }
      }
    }
  }

  @Test
  void namedEdgeCasesAreJudgedRight() {
    List<int[]> valid =
        List.of(
            new int[] {},
            new int[] {0x7F},
            new int[] {0xC2, 0x80}, // U+0080, the first 2-byte code point
            new int[] {0xDF, 0xBF}, // U+07FF
            new int[] {0xE0, 0xA0, 0x80}, // U+0800, the first 3-byte one
            new int[] {0xED, 0x9F, 0xBF}, // U+D7FF, just below the surrogates
            new int[] {0xEE, 0x80, 0x80}, // U+E000, just above them
            new int[] {0xEF, 0xBF, 0xBF}, // U+FFFF
            new int[] {0xF0, 0x90, 0x80, 0x80}, // U+10000
            new int[] {0xF4, 0x8F, 0xBF, 0xBF}); // U+10FFFF, the last code point
    List<int[]> invalid =
        List.of(
            new int[] {0xC0, 0xAF}, // overlong '/'
            new int[] {0xC1, 0xBF},
            new int[] {0xE0, 0x9F, 0xBF}, // overlong U+07FF
            new int[] {0xF0, 0x8F, 0xBF, 0xBF}, // overlong U+FFFF
            new int[] {0xED, 0xA0, 0x80}, // U+D800
            new int[] {0xED, 0xBF, 0xBF}, // U+DFFF
            new int[] {0xF4, 0x90, 0x80, 0x80}, // U+110000
            new int[] {0xF5, 0x80, 0x80, 0x80},
            new int[] {0xF8, 0x88, 0x80, 0x80, 0x80},
            new int[] {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80},
            new int[] {0xFE},
            new int[] {0xFF},
            new int[] {0x80},
            new int[] {0xE2, 0x82},
            new int[] {0xF0, 0x9F, 0x98});
    for (int[] v : valid) assertEquals(-1, Utf8.firstInvalid(bytes(v), 0, v.length), hex(v));
    for (int[] v : invalid) assertEquals(0, Utf8.firstInvalid(bytes(v), 0, v.length), hex(v));
    for (int[] v : valid) assertAgrees(bytes(v));
    for (int[] v : invalid) assertAgrees(bytes(v));
  }

  @Test
  void randomByteStringsAgreeWithTheJdk() {
    Random random = new Random(20240611);
    for (int i = 0; i < 200_000; i++) {
      assertAgrees(randomBytes(random));
    }
  }

  @Test
  void anInvalidSequenceIsFoundAfterLongAsciiRunsAndAtEveryAlignment() {
    // The ASCII scan reads eight bytes at a time: a bad byte must be found at any offset in a word.
    for (int at = 0; at < 40; at++) {
      for (int[] bad : List.of(new int[] {0xC0, 0xAF}, new int[] {0xE2, 0x82}, new int[] {0x80})) {
        byte[] b = new byte[at + bad.length + (at % 3) * 7];
        Arrays.fill(b, (byte) 'x');
        for (int k = 0; k < bad.length; k++) b[at + k] = (byte) bad[k];
        assertEquals(at, Utf8.firstInvalid(b, 0, b.length), hex(b));
        assertAgrees(b);
      }
    }
  }

  @Test
  void aRangeIsCheckedWithoutLookingOutsideIt() {
    byte[] b = {(byte) 0xC3, (byte) 0xA9, 'a', (byte) 0xC3, (byte) 0xA9};
    assertEquals(-1, Utf8.firstInvalid(b, 0, 2));
    assertEquals(-1, Utf8.firstInvalid(b, 2, 5));
    assertEquals(1, Utf8.firstInvalid(b, 1, 2), "a continuation byte alone is its own error");
    assertEquals(3, Utf8.firstInvalid(b, 2, 4), "a sequence cut by the range's end is truncated");
  }

  /**
   * Bytes mostly drawn to make near-misses: valid characters of every length, their pieces, and
   * bytes from the edges of the ranges; sometimes plain random bytes.
   */
  private static byte[] randomBytes(Random r) {
    List<Byte> out = new ArrayList<>();
    int parts = r.nextInt(8);
    for (int p = 0; p < parts; p++) {
      switch (r.nextInt(6)) {
        case 0 -> out.add((byte) r.nextInt(0x80));
        case 1 -> {
          int cp = randomCodePoint(r);
          byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
          int keep = r.nextInt(8) == 0 ? r.nextInt(enc.length) : enc.length; // sometimes cut
          for (int k = 0; k < keep; k++) out.add(enc[k]);
        }
        case 2 -> {
          int cp = randomCodePoint(r);
          byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
          enc[r.nextInt(enc.length)] ^= (byte) (1 << r.nextInt(8)); // one flipped bit
          for (byte x : enc) out.add(x);
        }
        case 3 -> out.add((byte) (0x80 + r.nextInt(0x80)));
        case 4 -> { // a lead byte with random continuation-range bytes: overlong, surrogate, too
          // big
          out.add((byte) (0xC0 + r.nextInt(0x40)));
          int n = r.nextInt(4);
          for (int k = 0; k < n; k++) out.add((byte) (0x80 + r.nextInt(0x40)));
        }
        default -> out.add((byte) r.nextInt(256));
      }
    }
    byte[] b = new byte[out.size()];
    for (int i = 0; i < b.length; i++) b[i] = out.get(i);
    return b;
  }

  private static int randomCodePoint(Random r) {
    while (true) {
      int cp =
          switch (r.nextInt(4)) {
            case 0 -> 0x80 + r.nextInt(0x800 - 0x80);
            case 1 -> 0x800 + r.nextInt(0x10000 - 0x800);
            case 2 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
            default -> r.nextInt(0x110000);
          };
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) return cp;
    }
  }

  private static byte[] bytes(int[] v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
    return b;
  }

  private static String hex(int[] v) {
    return hex(bytes(v));
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02X ", x & 0xff));
    return s.toString().trim();
  }
}
