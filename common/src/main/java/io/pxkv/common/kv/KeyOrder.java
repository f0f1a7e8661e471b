package io.pxkv.common.kv;

import java.util.Comparator;

/**
 * The one order of keys everywhere: the order of their UTF-8 bytes compared as unsigned numbers,
 * which is the order of their Unicode code points. Node scans return keys in it, the router merges
 * the nodes' scans in it, and cursors are positions in it.
 *
 * <p>Not {@link String#compareTo}: that compares UTF-16 units, where a character above U+FFFF (two
 * surrogates, U+D800..U+DFFF) sorts before U+E000..U+FFFF, although its UTF-8 bytes sort after.
 */
public final class KeyOrder {
  /** Compares keys as their UTF-8 bytes, unsigned, without encoding them. */
  public static final Comparator<String> UTF8 = KeyOrder::compare;

  private KeyOrder() {}

  private static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          // Both surrogates or above: move the surrogates above U+FFFF, where they belong.
          return codePointRank(x) - codePointRank(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** For a unit of U+D800 and above: surrogates to 0xF800.., U+E000..U+FFFF to 0xD800... */
  private static int codePointRank(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
