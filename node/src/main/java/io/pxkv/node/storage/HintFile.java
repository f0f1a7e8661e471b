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
 * segment scanned, which gives the same result. Written to disk: never change without bumping
 * {@link #FORMAT_VERSION}.
 *
 * <pre>
 *   header   magic "PXKH" (4 bytes) | formatVersion:u32
 *   entry*   keyLen:u32 | key (UTF-8) | offset:u64 | size:u32 | version:u64 | flags:u8
 *            (flags bit 0 = tombstone), one per record of the segment, in file order
 *   trailer  entryCount:u32 | crc32c:u32 (CRC-32C of every byte before it)
 * </pre>
 *
 * <p>Stateless; used by {@code kv-compact} to write and by recovery to read.
 */
final class HintFile {
  static final int FORMAT_VERSION = 1;
  private static final int MAGIC = 0x50584b48; // "PXKH"
  private static final int HEADER_BYTES = 8;

  /** offset:u64 | size:u32 | version:u64 | flags:u8, after each key. */
  private static final int FIXED_ENTRY_BYTES = 8 + 4 + 8 + 1;

  private static final int TRAILER_BYTES = 8;

  /** One record of the segment, as the key directory needs it. */
  record Entry(String key, long offset, int size, long version, boolean tombstone) {}

  private HintFile() {}

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
        out.writeLong(e.version());
        out.writeByte(e.tombstone() ? 1 : 0);
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
    void entry(String key, long offset, int size, long version, boolean tombstone);
  }

  /** A hint file that passed every check, ready to be walked. */
  static final class Contents {
    private final ByteBuffer buf;
    private final int entryCount;

    private Contents(ByteBuffer buf, int entryCount) {
      this.buf = buf;
      this.entryCount = entryCount;
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
        visitor.entry(key, in.getLong(), in.getInt(), in.getLong(), (in.get() & 1) != 0);
      }
    }

    /** Every entry as an object; for tests and small hints. */
    List<Entry> entries() {
      List<Entry> entries = new ArrayList<>(entryCount);
      forEach(
          (k, offset, size, version, tomb) ->
              entries.add(new Entry(k, offset, size, version, tomb)));
      return entries;
    }
  }

  /**
   * Reads a hint for a data file of {@code dataSize} bytes and checks all of it (CRC, layout, every
   * entry's bounds) before anything is applied, so a bad hint is rejected whole. The check walks
   * the entries without decoding keys; {@link Contents#forEach} decodes them once.
   *
   * @throws IOException naming the problem when the hint fails any check
   */
  static Contents read(StorageFiles files, Path hint, long dataSize) throws IOException {
    ByteBuffer buf = AtomicFiles.readAll(files, hint);
    int n = buf.remaining();
    if (n < HEADER_BYTES + TRAILER_BYTES)
      throw new IOException("hint shorter than its header and trailer");
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(n - 4));
    if ((int) crc.getValue() != buf.getInt(n - 4)) throw new IOException("hint CRC mismatch");
    if (buf.getInt(0) != MAGIC) throw new IOException("not a hint file");
    int format = buf.getInt(4);
    if (format != FORMAT_VERSION) throw new IOException("unknown hint format " + format);
    int end = n - TRAILER_BYTES;
    int pos = HEADER_BYTES;
    int count = 0;
    while (pos < end) {
      if (end - pos < 4) throw new IOException("hint entry cut short");
      int keyLen = buf.getInt(pos);
      if (keyLen < 1 || keyLen > RecordCodec.MAX_KEY_BYTES) throw new IOException("bad key length");
      if (end - pos < 4 + keyLen + FIXED_ENTRY_BYTES) throw new IOException("hint entry cut short");
      pos += 4 + keyLen;
      long offset = buf.getLong(pos);
      int size = buf.getInt(pos + 8);
      if (offset < 0 || size < RecordCodec.HEADER_BYTES || offset > dataSize - size) {
        throw new IOException("hint points past the end of its data file");
      }
      pos += FIXED_ENTRY_BYTES;
      count++;
    }
    if (buf.getInt(end) != count) throw new IOException("hint entry count does not match");
    return new Contents(buf, count);
  }
}
