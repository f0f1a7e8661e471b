package io.pxkv.node.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
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

  /**
   * The entries of a hint for a data file of {@code dataSize} bytes.
   *
   * @throws IOException naming the problem when the hint fails any check
   */
  static List<Entry> read(StorageFiles files, Path hint, long dataSize) throws IOException {
    ByteBuffer buf = AtomicFiles.readAll(files, hint);
    int n = buf.remaining();
    if (n < 8 + TRAILER_BYTES) throw new IOException("hint shorter than its header and trailer");
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().limit(n - 4));
    if ((int) crc.getValue() != buf.getInt(n - 4)) throw new IOException("hint CRC mismatch");
    if (buf.getInt() != MAGIC) throw new IOException("not a hint file");
    int format = buf.getInt();
    if (format != FORMAT_VERSION) throw new IOException("unknown hint format " + format);
    List<Entry> entries = new ArrayList<>();
    try {
      while (buf.position() < n - TRAILER_BYTES) {
        int keyLen = buf.getInt();
        if (keyLen < 1 || keyLen > RecordCodec.MAX_KEY_BYTES)
          throw new IOException("bad key length");
        byte[] key = new byte[keyLen];
        buf.get(key);
        Entry e =
            new Entry(
                new String(key, StandardCharsets.UTF_8),
                buf.getLong(),
                buf.getInt(),
                buf.getLong(),
                (buf.get() & 1) != 0);
        if (e.offset() < 0
            || e.size() < RecordCodec.HEADER_BYTES
            || e.offset() + e.size() > dataSize) {
          throw new IOException("hint points past the end of its data file");
        }
        entries.add(e);
      }
    } catch (BufferUnderflowException e) {
      throw new IOException("hint entry cut short");
    }
    if (buf.position() != n - TRAILER_BYTES || buf.getInt() != entries.size()) {
      throw new IOException("hint entry count does not match");
    }
    return entries;
  }
}
