package io.pxkv.node.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of the {@link KeyDirectory} as UTF-8 bytes, back to back in pages of 256 KiB, each after
 * its length (a varint of 1 to 3 bytes): one key of 13 bytes costs 14 bytes of heap, where a {@code
 * String} and its array cost 64. A key is named by a {@code long} reference (page and byte offset)
 * that never changes while the key is in the directory.
 *
 * <p>Only the directory's single mutator appends ({@link #add}); readers read keys it has published
 * and validate what they read against the directory's lock, so a read that races a page being added
 * may fail (an index out of bounds) and is then retried. Bytes of keys that left the directory are
 * not reused ({@link #garbageBytes} counts them).
 */
final class KeyArena {
  static final int PAGE_BITS = 18;
  static final int PAGE_BYTES = 1 << PAGE_BITS;
  private static final int OFFSET_MASK = PAGE_BYTES - 1;

  /** Grown by copy; the pages themselves are never moved. */
  private volatile byte[][] pages = new byte[0][];

  private int fill = PAGE_BYTES; // bytes used of the last page
  private long usedBytes;
  private long garbageBytes;

  /** Appends {@code key}; its reference. Mutator only. */
  long add(byte[] key) {
    int need = varintLength(key.length) + key.length;
    byte[][] p = pages;
    if (fill + need > PAGE_BYTES) {
      p = Arrays.copyOf(p, p.length + 1);
      p[p.length - 1] = new byte[PAGE_BYTES];
      pages = p;
      fill = 0;
    }
    int page = p.length - 1;
    byte[] bytes = p[page];
    int at = fill;
    int len = key.length;
    while (len >= 0x80) {
      bytes[at++] = (byte) (len | 0x80);
      len >>>= 7;
    }
    bytes[at++] = (byte) len;
    System.arraycopy(key, 0, bytes, at, key.length);
    long ref = ((long) page << PAGE_BITS) | fill;
    fill += need;
    usedBytes += need;
    return ref;
  }

  /**
   * A fresh arena holding only the keys at {@code refs}, each replaced by its reference there; the
   * directory swaps it in with {@link #adopt}. Mutator only.
   */
  KeyArena compacted(long[] refs) {
    KeyArena fresh = new KeyArena();
    for (int i = 0; i < refs.length; i++) refs[i] = fresh.add(bytes(refs[i]));
    return fresh;
  }

  /** Takes the pages of {@code fresh}, dropping every garbage byte. Under the write lock. */
  void adopt(KeyArena fresh) {
    pages = fresh.pages;
    fill = fresh.fill;
    usedBytes = fresh.usedBytes;
    garbageBytes = 0;
  }

  /** The key at {@code ref} left the directory: its bytes are garbage. Mutator only. */
  void release(long ref) {
    int len = length(ref);
    garbageBytes += varintLength(len) + len;
  }

  long garbageBytes() {
    return garbageBytes;
  }

  long usedBytes() {
    return usedBytes;
  }

  private static int varintLength(int n) {
    return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
  }

  /**
   * The UTF-8 bytes of a key, as the directory stores them. Keys are well-formed Unicode; a lone
   * surrogate (a lookup of a malformed string) becomes the byte 0xFF, which no UTF-8 text holds, so
   * it never matches a stored key (the JDK's encoder would make it a {@code '?'}).
   */
  static byte[] utf8(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (Character.isSurrogate(key.charAt(i))) return utf8WithSurrogates(key);
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf8WithSurrogates(String key) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(key.length() * 3);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < key.length()
          && Character.isLowSurrogate(key.charAt(i + 1))) {
        out.writeBytes(key.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.write(0xFF);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** The hash the directory's table files a key under. */
  static int hash(byte[] key) {
    int h = 0;
    for (byte b : key) h = 31 * h + b;
    return mix(h ^ key.length);
  }

  /** {@link #hash} of the key at {@code ref}. */
  int hashAt(long ref) {
    byte[] bytes = pages[(int) (ref >>> PAGE_BITS)];
    int at = (int) ref & OFFSET_MASK;
    int len = 0;
    int shift = 0;
    int b;
    do {
      b = bytes[at++];
      len |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    int h = 0;
    for (int i = 0; i < len; i++) h = 31 * h + bytes[at + i];
    return mix(h ^ len);
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** The length in bytes of the key at {@code ref}. */
  int length(long ref) {
    byte[] bytes = pages[(int) (ref >>> PAGE_BITS)];
    int at = (int) ref & OFFSET_MASK;
    int len = 0;
    int shift = 0;
    int b;
    do {
      b = bytes[at++];
      len |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0 && shift < 21);
    return len;
  }

  /** Where the bytes of the key at {@code ref} start in its page. */
  private static int start(byte[] bytes, long ref) {
    int at = (int) ref & OFFSET_MASK;
    while ((bytes[at] & 0x80) != 0) at++;
    return at + 1;
  }

  /** Whether the key at {@code ref} is {@code key}. */
  boolean equalsAt(long ref, byte[] key) {
    byte[] bytes = pages[(int) (ref >>> PAGE_BITS)];
    int len = length(ref);
    if (len != key.length) return false;
    int at = start(bytes, ref);
    return Arrays.equals(bytes, at, at + len, key, 0, len);
  }

  /** The key at {@code ref} compared with {@code key}, as unsigned bytes (UTF-8 order). */
  int compareAt(long ref, byte[] key) {
    byte[] bytes = pages[(int) (ref >>> PAGE_BITS)];
    int at = start(bytes, ref);
    return Arrays.compareUnsigned(bytes, at, at + length(ref), key, 0, key.length);
  }

  /** The keys at {@code a} and {@code b} compared as unsigned bytes (UTF-8 order). */
  int compare(long a, long b) {
    byte[] x = pages[(int) (a >>> PAGE_BITS)];
    byte[] y = pages[(int) (b >>> PAGE_BITS)];
    int i = start(x, a);
    int j = start(y, b);
    return Arrays.compareUnsigned(x, i, i + length(a), y, j, j + length(b));
  }

  /** A copy of the UTF-8 bytes of the key at {@code ref}. */
  byte[] bytes(long ref) {
    byte[] bytes = pages[(int) (ref >>> PAGE_BITS)];
    int at = start(bytes, ref);
    return Arrays.copyOfRange(bytes, at, at + length(ref));
  }
}
