package io.pxkv.node.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The key directory of one compacted segment, so that a restart reads a small file instead of every
 * record of the segment. Only an optimization: a hint that fails any check is ignored and its
 * segment scanned, which gives the same result. Written to disk: never change a format.
 *
 * <pre>
 *   header   magic "PXKH" (4 bytes) | formatVersion:u32
 *   entry*   format 3 ({@code *.hnt}, written today):
 *              keyLen:u32 | key (UTF-8) | offset:u64 | size:u32 | seq:u64 | version:u64 |
 *              writer:u32 | expiresAt:u64 (0 = never) | kind:u8 (RecordKind code)
 *            format 2 ({@code *.hnt} of a version without expiry, read only): format 3
 *              without expiresAt (read as 0: that version wrote no expiring records)
 *            format 1 ({@code *.hint} of a format-1 segment, read only):
 *              keyLen:u32 | key (UTF-8) | offset:u64 | size:u32 | version:u64 | flags:u8
 *              (bit 0 = tombstone; read as seq = version, writer 0)
 *            one per record of the segment, in file order
 *   trailer  entryCount:u32 | crc32c:u32 (CRC-32C of every byte before it)
 * </pre>
 *
 * <p>Stateless; used by {@code kv-compact} to write and by recovery to read.
 */
final class HintFile {
  static final int FORMAT_VERSION = 3;

  /** The {@code *.hnt} format before expiry, still read. */
  static final int FORMAT_2 = 2;

  private static final int MAGIC = 0x50584b48; // "PXKH"
  private static final int HEADER_BYTES = 8;

  /**
   * offset:u64 | size:u32 | seq:u64 | version:u64 | writer:u32 | expiresAt:u64 | kind:u8, after
   * each key.
   */
  private static final int FIXED_ENTRY_BYTES = 8 + 4 + 8 + 8 + 4 + 8 + 1;

  /** The same without expiresAt, in format 2. */
  private static final int FORMAT_2_FIXED_ENTRY_BYTES = 8 + 4 + 8 + 8 + 4 + 1;

  /** offset:u64 | size:u32 | version:u64 | flags:u8, after each key, in format 1. */
  private static final int FORMAT_1_FIXED_ENTRY_BYTES = 8 + 4 + 8 + 1;

  private static final int TRAILER_BYTES = 8;

  /** One record of the segment, as the key directory needs it. */
  record Entry(
      String key,
      long offset,
      int size,
      long seq,
      long version,
      int writer,
      long expiresAt,
      RecordKind kind) {
    /** An entry of a record that never expires. */
    Entry(String key, long offset, int size, long seq, long version, int writer, RecordKind kind) {
      this(key, offset, size, seq, version, writer, 0, kind);
    }
  }

  private HintFile() {}

  /** A hint of {@code entries}, in the current format. */
  static ByteBuffer encode(List<Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      for (Entry e : entries) {
        byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
        out.writeInt(key.length);
        out.write(key);
        out.writeLong(e.offset());
        out.writeInt(e.size());
        out.writeLong(e.seq());
        out.writeLong(e.version());
        out.writeInt(e.writer());
        out.writeLong(e.expiresAt());
        out.writeByte(e.kind().code());
      }
      out.writeInt(entries.size());
      out.flush();
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  /** Receives the entries of a checked hint, in file order, without an object per entry. */
  interface Visitor {
    void entry(
        String key,
        long offset,
        int size,
        long seq,
        long version,
        int writer,
        long expiresAt,
        RecordKind kind);
  }

  /** A hint file that passed every check, ready to be walked. */
  static final class Contents {
    private final ByteBuffer buf;
    private final int entryCount;
    private final int format;

    private Contents(ByteBuffer buf, int entryCount, int format) {
      this.buf = buf;
      this.entryCount = entryCount;
      this.format = format;
    }

    /** Calls {@code visitor} for every entry, decoding only the keys. */
    void forEach(Visitor visitor) {
      ByteBuffer in = buf.duplicate().position(HEADER_BYTES);
      byte[] array = in.array();
      int base = in.arrayOffset();
      for (int i = 0; i < entryCount; i++) {
        int keyLen = in.getInt();
        String key = new String(array, base + in.position(), keyLen, StandardCharsets.UTF_8);
        in.position(in.position() + keyLen);
        long offset = in.getLong();
        int size = in.getInt();
        if (format == 1) {
          long version = in.getLong();
          RecordKind kind = (in.get() & 1) != 0 ? RecordKind.DELETE : RecordKind.PUT;
          visitor.entry(key, offset, size, version, version, 0, 0, kind);
        } else {
          long seq = in.getLong();
          long version = in.getLong();
          int writer = in.getInt();
          long expiresAt = format == FORMAT_2 ? 0 : in.getLong();
          visitor.entry(
              key, offset, size, seq, version, writer, expiresAt, RecordKind.of(in.get()));
        }
      }
    }

    /** Every entry as an object; for tests and small hints. */
    List<Entry> entries() {
      List<Entry> entries = new ArrayList<>(entryCount);
      forEach(
          (k, offset, size, seq, version, writer, expiresAt, kind) ->
              entries.add(new Entry(k, offset, size, seq, version, writer, expiresAt, kind)));
      return entries;
    }
  }

  /**
   * Reads the hint of {@code segment} (format 1 for a format-1 segment, else format 2) and checks
   * all of it (CRC, layout, every entry's bounds and kind) before anything is applied, so a bad
   * hint is rejected whole. The check walks the entries without decoding keys; {@link
   * Contents#forEach} decodes them once.
   *
   * @throws IOException naming the problem when the hint fails any check
   */
  static Contents read(StorageFiles files, Path hint, Segment segment) throws IOException {
    ByteBuffer buf = AtomicFiles.readAll(files, hint);
    int n = buf.remaining();
    if (n < HEADER_BYTES + TRAILER_BYTES)
      throw new IOException("hint shorter than its header and trailer");
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(n - 4));
    if ((int) crc.getValue() != buf.getInt(n - 4)) throw new IOException("hint CRC mismatch");
    if (buf.getInt(0) != MAGIC) throw new IOException("not a hint file");
    int format = buf.getInt(4);
    boolean format1Segment = segment.format() == RecordCodec.FORMAT_1;
    if (format1Segment ? format != 1 : format != FORMAT_VERSION && format != FORMAT_2) {
      throw new IOException(
          "hint format "
              + format
              + " where "
              + (format1Segment ? "1" : FORMAT_2 + " or " + FORMAT_VERSION)
              + " was expected");
    }
    int fixed =
        switch (format) {
          case 1 -> FORMAT_1_FIXED_ENTRY_BYTES;
          case FORMAT_2 -> FORMAT_2_FIXED_ENTRY_BYTES;
          default -> FIXED_ENTRY_BYTES;
        };
    int minSize = RecordCodec.headerBytes(segment.format());
    long dataStart = segment.dataStart();
    long dataSize = segment.size();
    int end = n - TRAILER_BYTES;
    int pos = HEADER_BYTES;
    int count = 0;
    while (pos < end) {
      if (end - pos < 4) throw new IOException("hint entry cut short");
      int keyLen = buf.getInt(pos);
      if (keyLen < 1 || keyLen > RecordCodec.MAX_KEY_BYTES) throw new IOException("bad key length");
      if (end - pos < 4 + keyLen + fixed) throw new IOException("hint entry cut short");
      pos += 4 + keyLen;
      long offset = buf.getLong(pos);
      int size = buf.getInt(pos + 8);
      if (offset < dataStart || size < minSize || offset > dataSize - size) {
        throw new IOException("hint points past the end of its data file");
      }
      if (format != 1 && RecordKind.of(buf.get(pos + fixed - 1)) == null) {
        throw new IOException("hint entry of an unknown kind");
      }
      pos += fixed;
      count++;
    }
    if (buf.getInt(end) != count) throw new IOException("hint entry count does not match");
    return new Contents(buf, count, format);
  }
}
