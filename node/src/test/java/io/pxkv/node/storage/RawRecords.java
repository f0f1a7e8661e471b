package io.pxkv.node.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Records and segment files built byte by byte, independently of {@link RecordCodec}: the format-1
 * writer of the previous version (kept here since the engine only reads format 1 now), and format-2
 * records of kinds, flags and optional fields a newer version might write.
 */
final class RawRecords {
  private RawRecords() {}

  /**
   * A format-1 record: {@code crc32c:u32 | version:u64 | keyLen:u32 | valueLen:i32 (-1 = delete) |
   * key | value}, as the previous version wrote it.
   */
  static byte[] formatOne(String key, byte[] valueOrNull, long version) {
    byte[] k = Bytes.utf8(key);
    int valueLen = valueOrNull == null ? -1 : valueOrNull.length;
    ByteBuffer b = ByteBuffer.allocate(20 + k.length + Math.max(valueLen, 0));
    b.putInt(0).putLong(version).putInt(k.length).putInt(valueLen).put(k);
    if (valueOrNull != null) b.put(valueOrNull);
    return withCrc(b.array());
  }

  /** A format-2 record with any kind code, flags and optional-field bytes. */
  static byte[] formatTwo(
      int kindCode,
      int flags,
      byte[] optional,
      long seq,
      long version,
      int writer,
      String key,
      byte[] value) {
    byte[] k = Bytes.utf8(key);
    ByteBuffer b = ByteBuffer.allocate(36 + optional.length + k.length + value.length);
    b.putInt(0)
        .put((byte) kindCode)
        .put((byte) flags)
        .putShort((short) optional.length)
        .putLong(seq)
        .putLong(version)
        .putInt(writer)
        .putInt(k.length)
        .putInt(value.length)
        .put(optional)
        .put(k)
        .put(value);
    return withCrc(b.array());
  }

  /** One entry of a format-1 hint: where a record is, its version and whether it deletes. */
  record FormatOneHintEntry(String key, long offset, int size, long version, boolean tombstone) {}

  /** A format-1 hint file, as the previous version wrote it for a compacted segment. */
  static byte[] formatOneHint(List<FormatOneHintEntry> entries) {
    int size = 8 + 8;
    for (FormatOneHintEntry e : entries) size += 4 + Bytes.utf8(e.key()).length + 21;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(0x50584b48).putInt(1);
    for (FormatOneHintEntry e : entries) {
      byte[] k = Bytes.utf8(e.key());
      b.putInt(k.length).put(k).putLong(e.offset()).putInt(e.size()).putLong(e.version());
      b.put((byte) (e.tombstone() ? 1 : 0));
    }
    b.putInt(entries.size());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The header of a {@code *.seg} file naming {@code format}. */
  static byte[] segmentHeader(int format) {
    return ByteBuffer.allocate(8).putInt(0x50584b53).putInt(format).array();
  }

  /** Writes {@code records} back to back into {@code file}, after {@code header}. */
  static void writeFile(Path file, byte[] header, List<byte[]> records) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header);
      for (byte[] r : records) out.write(r);
    }
  }

  private static byte[] withCrc(byte[] record) {
    CRC32C crc = new CRC32C();
    crc.update(record, 4, record.length - 4);
    ByteBuffer.wrap(record).putInt(0, (int) crc.getValue());
    return record;
  }
}
