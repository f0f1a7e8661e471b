package io.pxkv.common.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8: only the well-formed byte sequences of the Unicode Standard (chapter 3, table 3-7)
 * pass; overlong forms, encoded surrogates (U+D800..U+DFFF), code points above U+10FFFF, truncated
 * sequences, stray continuation bytes and the bytes C0, C1 and F5..FF are errors, never silently
 * replaced or decoded to something else.
 *
 * <p>Why not Jackson or the JDK alone: Jackson's parser decodes an overlong {@code C0 AF} to {@code
 * /} and lets surrogates and code points past U+10FFFF through, so a body must be checked before it
 * is parsed; the JDK's strict {@code CharsetDecoder} is right but allocates a decoder and a char
 * buffer per call. This check allocates nothing and runs through ASCII eight bytes at a time, so
 * the common all-ASCII body costs a fraction of the parse that follows.
 */
final class Utf8 {
  /** Reads eight bytes of an array as one long, at any index. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The high bit of each of eight bytes: none set means eight ASCII bytes. */
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /**
   * The index of the first byte of the first ill-formed sequence in {@code b[from, to)}, or -1 when
   * it is all well-formed. This is the index the JDK's strict decoder stops at.
   */
  static int firstInvalid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      while (i + 8 <= to && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) i += 8;
      if (i >= to) break;
      int lead = b[i];
      if (lead >= 0) {
        i++;
        continue;
      }
      int length = sequenceLength(b, i, to);
      if (length == 0) return i;
      i += length;
    }
    return -1;
  }

  /** True when {@code b} is well-formed UTF-8 throughout. */
  static boolean isWellFormed(byte[] b) {
    return firstInvalid(b, 0, b.length) < 0;
  }

  /**
   * The length (2, 3 or 4) of the well-formed multi-byte sequence starting at {@code b[i]}, a byte
   * of 0x80 or above, ending before {@code to}; 0 when none starts there. Per table 3-7, the second
   * byte's range depends on the first (this is what excludes overlong forms, surrogates and code
   * points above U+10FFFF); every further byte is 80..BF.
   */
  static int sequenceLength(byte[] b, int i, int to) {
    int lead = b[i] & 0xff;
    int length;
    int low = 0x80;
    int high = 0xBF;
    if (lead < 0xC2) {
      return 0; // a continuation byte, or C0/C1 which only start overlong forms
    } else if (lead < 0xE0) {
      length = 2;
    } else if (lead < 0xF0) {
      length = 3;
      if (lead == 0xE0) low = 0xA0; // below: an overlong 3-byte form
      if (lead == 0xED) high = 0x9F; // above: a surrogate
    } else if (lead < 0xF5) {
      length = 4;
      if (lead == 0xF0) low = 0x90; // below: an overlong 4-byte form
      if (lead == 0xF4) high = 0x8F; // above: past U+10FFFF
    } else {
      return 0; // F5..FF start nothing valid
    }
    if (to - i < length) return 0;
    int second = b[i + 1] & 0xff;
    if (second < low || second > high) return 0;
    for (int k = 2; k < length; k++) {
      if ((b[i + k] & 0xC0) != 0x80) return 0;
    }
    return length;
  }

  /** The decoded text, or {@code null} when {@code bytes} are not well-formed UTF-8. */
  static String decodeStrict(byte[] bytes) {
    return isWellFormed(bytes) ? new String(bytes, StandardCharsets.UTF_8) : null;
  }

  /** Names the ill-formed sequence at {@code b[at]} for an error message. */
  static String describeInvalid(byte[] b, int at) {
    return String.format("byte 0x%02X at offset %d", b[at] & 0xff, at);
  }
}
