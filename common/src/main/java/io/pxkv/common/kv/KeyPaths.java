package io.pxkv.common.kv;

import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;

/**
 * Keys in paths: {@code /kv/{key}} with the key percent-encoded as UTF-8. Unlike form encoding, a
 * {@code +} in a path is a plus sign, not a space.
 */
public final class KeyPaths {
  public static final String PREFIX = "/kv/";

  private KeyPaths() {}

  /** True when {@code rawPath} (not yet decoded) is a {@code /kv/{key}} path. */
  public static boolean isKeyPath(String rawPath) {
    return rawPath.startsWith(PREFIX);
  }

  /** The key of a raw {@code /kv/{key}} path, decoded and validated. */
  public static String keyOf(String rawPath) {
    String key = decode(rawPath.substring(PREFIX.length()));
    KeyRules.validate(key);
    return key;
  }

  /**
   * Strict percent-decoding of a path segment: a bad escape, or bytes that are not well-formed
   * UTF-8, are an invalid key. A {@code +} stays a plus sign.
   */
  public static String decode(String encoded) {
    return decode(encoded, false, "the key path");
  }

  /**
   * Strict decoding of a query parameter's value: as {@link #decode}, and {@code +} is a space, as
   * in form encoding.
   */
  public static String decodeQueryValue(String encoded, String name) {
    return decode(encoded, true, "query parameter '" + name + "'");
  }

  /**
   * Percent-escapes become bytes, and so does every other character: the HTTP server hands over the
   * request line one character per byte (ISO-8859-1), so a client that sent raw UTF-8 bytes rather
   * than escapes gets them read the same way. A character above U+00FF cannot have come from the
   * wire and is refused. The bytes must then be well-formed UTF-8 ({@link Utf8}).
   */
  private static String decode(String encoded, boolean plusIsSpace, String where) {
    if (isPlain(encoded, plusIsSpace)) {
      return encoded;
    }
    // Every character is at most one byte, so the decoded bytes never outnumber them.
    byte[] bytes = new byte[encoded.length()];
    int n = 0;
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw KvException.invalidKey("bad percent-escape at the end of " + where);
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw KvException.invalidKey(
              "bad percent-escape '" + encoded.substring(i, i + 3) + "' in " + where);
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[n++] = ' ';
      } else if (c <= 0xFF) {
        bytes[n++] = (byte) c;
      } else {
        throw KvException.invalidKey(
            where + " holds U+" + String.format("%04X", (int) c) + ", which is not a byte");
      }
    }
    int bad = Utf8.firstInvalid(bytes, 0, n);
    if (bad >= 0) {
      throw KvException.invalidKey(
          where + " is not well-formed UTF-8 (" + Utf8.describeInvalid(bytes, bad) + ")");
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** True when {@code encoded} is ASCII without escapes (or {@code +} as a space): itself. */
  private static boolean isPlain(String encoded, boolean plusIsSpace) {
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' || c >= 0x80 || (c == '+' && plusIsSpace)) return false;
    }
    return true;
  }
}
