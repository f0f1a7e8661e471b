package io.pxkv.common.kv;

import io.pxkv.common.error.KvException;
import java.io.ByteArrayOutputStream;
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

  /** Strict percent-decoding: a bad escape or bytes that are not UTF-8 are an invalid key. */
  public static String decode(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw KvException.invalidKey("bad percent-escape at the end of the key path");
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw KvException.invalidKey(
              "bad percent-escape '" + encoded.substring(i, i + 3) + "' in the key path");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
          utf8 = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(utf8);
      }
    }
    String decoded = Utf8.decodeStrict(bytes.toByteArray());
    if (decoded == null) {
      throw KvException.invalidKey("the key path does not decode to UTF-8");
    }
    return decoded;
  }
}
