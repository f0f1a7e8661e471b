package io.pxkv.common.kv;

import io.pxkv.common.error.KvException;
import java.nio.charset.StandardCharsets;

/** What a key may be: a non-empty string of well-formed Unicode, at most 1024 bytes in UTF-8. */
public final class KeyRules {
  public static final int MAX_KEY_BYTES = 1024;

  private KeyRules() {}

  /** Returns the key's UTF-8 bytes, or throws {@code invalid_key} naming the broken rule. */
  public static byte[] validate(String key) {
    if (key == null) {
      throw KvException.invalidKey("key is required");
    }
    if (key.isEmpty()) {
      throw KvException.invalidKey("key must not be empty");
    }
    if (hasLoneSurrogate(key)) {
      // A lone surrogate has no UTF-8 form: encoding it would silently store '?' instead.
      throw KvException.invalidKey("key is not well-formed Unicode (lone surrogate)");
    }
    // Cheap pre-check: every char is at least one UTF-8 byte.
    if (key.length() > MAX_KEY_BYTES) {
      throw tooLong(key.length() + "+");
    }
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_KEY_BYTES) {
      throw tooLong(String.valueOf(utf8.length));
    }
    return utf8;
  }

  private static KvException tooLong(String actual) {
    return KvException.invalidKey(
        "key must be at most " + MAX_KEY_BYTES + " UTF-8 bytes (was " + actual + ")");
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
