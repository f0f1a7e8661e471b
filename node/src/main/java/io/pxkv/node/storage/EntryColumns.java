package io.pxkv.node.storage;

/**
 * The {@link KeyDirEntry} of every key of the {@link KeyDirectory} as rows of five {@code long}s
 * (40 bytes: segment and offset, size with the kind and writer, seq, version, key reference), one
 * row per entry id, in pages of 4096 rows, where a record object, its header and the map node
 * pointing at it cost over 70. A row is contiguous, so a lookup touches one or two cache lines of
 * it. Rows are added a page at a time, so growing copies only the small array of pages, never the
 * rows.
 *
 * <p>Only the directory's single mutator writes; readers validate what they read against the
 * directory's lock (a read racing a write may see half of it, or fail on a page not yet visible,
 * and is then retried).
 */
final class EntryColumns {
  static final int PAGE_BITS = 12;
  static final int PAGE_ROWS = 1 << PAGE_BITS;
  private static final int ROW_MASK = PAGE_ROWS - 1;
  private static final int WORDS = 5;

  private static final int SEGMENT_OFFSET = 0; // segment << 32 | offset (unsigned)
  private static final int SIZE_KIND_WRITER = 1; // sizeKind << 32 | writer (unsigned)
  private static final int SEQ = 2;
  private static final int VERSION = 3;
  private static final int KEY_REF = 4;

  /** The kind of a row: free (no key), or the record kind of the key's current record. */
  static final int FREE = 0;

  // sizeKind: size (29 bits) | kind (2 bits) | has an expiry (1 bit)
  private static final int SIZE_MASK = (1 << 29) - 1;
  private static final int KIND_SHIFT = 29;
  private static final int EXPIRES_BIT = 1 << 31;

  /** Grown by copy; the pages themselves are never moved. */
  private volatile long[][] pages = new long[0][];

  /** Rows available. */
  int capacity() {
    return pages.length << PAGE_BITS;
  }

  /** Adds a page of rows. Mutator only. */
  void grow() {
    long[][] old = pages;
    long[][] p = java.util.Arrays.copyOf(old, old.length + 1);
    p[old.length] = new long[PAGE_ROWS * WORDS];
    pages = p;
  }

  private long[] page(int id) {
    return pages[id >>> PAGE_BITS];
  }

  private static int at(int id) {
    return (id & ROW_MASK) * WORDS;
  }

  /** Writes {@code e} as row {@code id}'s entry, of {@code kind}. Mutator only, under the lock. */
  void set(int id, KeyDirEntry e, RecordKind kind) {
    if (e.size() < 0 || e.size() > SIZE_MASK) {
      throw new IllegalArgumentException("record size out of range: " + e.size());
    }
    if (e.offset() < 0 || e.offset() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("record offset out of range: " + e.offset());
    }
    long[] p = page(id);
    int at = at(id);
    int sizeKind =
        e.size() | (kindCode(kind) << KIND_SHIFT) | (e.expiresAt() != 0 ? EXPIRES_BIT : 0);
    p[at + SEGMENT_OFFSET] = ((long) e.segmentId() << 32) | e.offset();
    p[at + SEQ] = e.seq();
    p[at + VERSION] = e.version();
    p[at + SIZE_KIND_WRITER] = ((long) sizeKind << 32) | Integer.toUnsignedLong(e.writer());
  }

  void setKeyRef(int id, long ref) {
    page(id)[at(id) + KEY_REF] = ref;
  }

  /** Marks row {@code id} free. Mutator only, under the lock. */
  void free(int id) {
    page(id)[at(id) + SIZE_KIND_WRITER] = 0;
  }

  long keyRef(int id) {
    return page(id)[at(id) + KEY_REF];
  }

  private int sizeKind(int id) {
    return (int) (page(id)[at(id) + SIZE_KIND_WRITER] >>> 32);
  }

  /** The kind code of row {@code id}: {@link #FREE}, or {@link #kindCode} of a record kind. */
  int kind(int id) {
    return (sizeKind(id) >>> KIND_SHIFT) & 3;
  }

  boolean hasExpiry(int id) {
    return (sizeKind(id) & EXPIRES_BIT) != 0;
  }

  static int kindCode(RecordKind kind) {
    return switch (kind) {
      case PUT -> 1;
      case DELETE -> 2;
      case HANDOFF -> 3;
    };
  }

  /** Row {@code id}'s entry with {@code expiresAt}; the caller checked its kind. */
  KeyDirEntry entry(int id, long expiresAt) {
    long[] p = page(id);
    int at = at(id);
    long segmentOffset = p[at + SEGMENT_OFFSET];
    long sizeKindWriter = p[at + SIZE_KIND_WRITER];
    return new KeyDirEntry(
        (int) (segmentOffset >>> 32),
        segmentOffset & 0xFFFF_FFFFL,
        (int) (sizeKindWriter >>> 32) & SIZE_MASK,
        p[at + SEQ],
        p[at + VERSION],
        (int) sizeKindWriter,
        expiresAt);
  }
}
