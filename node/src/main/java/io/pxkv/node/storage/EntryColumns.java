package io.pxkv.node.storage;

/**
 * The {@link KeyDirEntry} of every key of the {@link KeyDirectory} in primitive columns, one row
 * per entry id, in pages of 4096 rows: 40 bytes a row (segment, offset, size with the kind, seq,
 * version, writer, key reference) where a record object, its header and the map node pointing at it
 * cost over 70. Rows are added a page at a time, so growing copies only the small arrays of pages,
 * never the rows.
 *
 * <p>Only the directory's single mutator writes; readers validate what they read against the
 * directory's lock (a read racing a write may see half of it, or fail on a page not yet visible,
 * and is then retried).
 */
final class EntryColumns {
  static final int PAGE_BITS = 12;
  static final int PAGE_ROWS = 1 << PAGE_BITS;
  private static final int ROW_MASK = PAGE_ROWS - 1;

  /** The kind of a row: free (no key), or the record kind of the key's current record. */
  static final int FREE = 0;

  private static final int SIZE_MASK = (1 << 29) - 1;
  private static final int KIND_SHIFT = 29;
  private static final int EXPIRES_BIT = 1 << 31;

  /** All columns, replaced whole when a page is added. */
  private static final class Pages {
    final int[][] segment;
    final int[][] offset; // unsigned: record offsets stay below 2^31 (segments close before)
    final int[][] sizeKind; // size (29 bits) | kind (2 bits) | has an expiry (1 bit)
    final long[][] seq;
    final long[][] version;
    final int[][] writer;
    final long[][] keyRef;

    Pages(int n) {
      segment = new int[n][];
      offset = new int[n][];
      sizeKind = new int[n][];
      seq = new long[n][];
      version = new long[n][];
      writer = new int[n][];
      keyRef = new long[n][];
    }
  }

  private volatile Pages pages = new Pages(0);

  /** Rows available. */
  int capacity() {
    return pages.segment.length << PAGE_BITS;
  }

  /** Adds a page of rows. Mutator only. */
  void grow() {
    Pages old = pages;
    int n = old.segment.length;
    Pages p = new Pages(n + 1);
    copy(old.segment, p.segment);
    copy(old.offset, p.offset);
    copy(old.sizeKind, p.sizeKind);
    copy(old.seq, p.seq);
    copy(old.version, p.version);
    copy(old.writer, p.writer);
    copy(old.keyRef, p.keyRef);
    p.segment[n] = new int[PAGE_ROWS];
    p.offset[n] = new int[PAGE_ROWS];
    p.sizeKind[n] = new int[PAGE_ROWS];
    p.seq[n] = new long[PAGE_ROWS];
    p.version[n] = new long[PAGE_ROWS];
    p.writer[n] = new int[PAGE_ROWS];
    p.keyRef[n] = new long[PAGE_ROWS];
    pages = p;
  }

  private static <T> void copy(T[] from, T[] to) {
    System.arraycopy(from, 0, to, 0, from.length);
  }

  /** Writes {@code e} as row {@code id}'s entry, of {@code kind}. Mutator only, under the lock. */
  void set(int id, KeyDirEntry e, RecordKind kind) {
    if (e.size() < 0 || e.size() > SIZE_MASK) {
      throw new IllegalArgumentException("record size out of range: " + e.size());
    }
    if (e.offset() < 0 || e.offset() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("record offset out of range: " + e.offset());
    }
    Pages p = pages;
    int page = id >>> PAGE_BITS;
    int row = id & ROW_MASK;
    p.segment[page][row] = e.segmentId();
    p.offset[page][row] = (int) e.offset();
    p.seq[page][row] = e.seq();
    p.version[page][row] = e.version();
    p.writer[page][row] = e.writer();
    p.sizeKind[page][row] =
        e.size() | (kindCode(kind) << KIND_SHIFT) | (e.expiresAt() != 0 ? EXPIRES_BIT : 0);
  }

  void setKeyRef(int id, long ref) {
    pages.keyRef[id >>> PAGE_BITS][id & ROW_MASK] = ref;
  }

  /** Marks row {@code id} free. Mutator only, under the lock. */
  void free(int id) {
    pages.sizeKind[id >>> PAGE_BITS][id & ROW_MASK] = 0;
  }

  long keyRef(int id) {
    return pages.keyRef[id >>> PAGE_BITS][id & ROW_MASK];
  }

  /** The kind code of row {@code id}: {@link #FREE}, or {@link #kindCode} of a record kind. */
  int kind(int id) {
    return (pages.sizeKind[id >>> PAGE_BITS][id & ROW_MASK] >>> KIND_SHIFT) & 3;
  }

  boolean hasExpiry(int id) {
    return (pages.sizeKind[id >>> PAGE_BITS][id & ROW_MASK] & EXPIRES_BIT) != 0;
  }

  static int kindCode(RecordKind kind) {
    return switch (kind) {
      case PUT -> 1;
      case DELETE -> 2;
      case HANDOFF -> 3;
    };
  }

  static RecordKind kindOf(int code) {
    return switch (code) {
      case 1 -> RecordKind.PUT;
      case 2 -> RecordKind.DELETE;
      case 3 -> RecordKind.HANDOFF;
      default -> null;
    };
  }

  /** Row {@code id}'s entry with {@code expiresAt}; the caller checked its kind. */
  KeyDirEntry entry(int id, long expiresAt) {
    Pages p = pages;
    int page = id >>> PAGE_BITS;
    int row = id & ROW_MASK;
    return new KeyDirEntry(
        p.segment[page][row],
        Integer.toUnsignedLong(p.offset[page][row]),
        p.sizeKind[page][row] & SIZE_MASK,
        p.seq[page][row],
        p.version[page][row],
        p.writer[page][row],
        expiresAt);
  }

  /** Heap held by the columns, for the directory's own accounting. */
  long heapBytes() {
    return (long) capacity() * 40;
  }
}
