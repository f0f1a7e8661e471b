package io.pxkv.common.kv;

import java.util.Comparator;

/**
 * The order of keys everywhere in px-kvstore (listings, pages, scans, merges): the order of their
 * UTF-8 bytes compared unsigned, which is the order of their Unicode code points. {@link
 * String#compareTo} compares UTF-16 units instead and differs for characters above U+FFFF (stored
 * as surrogates, 0xD800-0xDFFF) against characters U+E000-U+FFFF: UTF-16 puts the former first,
 * UTF-8 the latter. Keys are well-formed Unicode (no lone surrogates, {@link KeyRules}).
 */
public final class KeyOrder {
  /** Compares keys as their UTF-8 bytes, unsigned. */
  public static final Comparator<String> UTF8 = KeyOrder::compare;

  private KeyOrder() {}

  /**
   * Negative, zero or positive as {@code a} sorts before, with or after {@code b} in UTF-8 byte
   * order. Walks the UTF-16 units without encoding; at the first difference, when both units are at
   * least 0xD800, surrogates are moved above U+E000-U+FFFF (the fix-up of ICU's
   * compareCodePointOrder), which gives code point order.
   */
  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) return fixUp(x) - fixUp(y);
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** 0xD800-0xDFFF to 0xF800-0xFFFF, 0xE000-0xFFFF to 0xD800-0xF7FF. */
  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
