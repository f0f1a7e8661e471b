package io.pxkv.node.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk record: the only thing segment files contain, back to back, with no file header and
 * no padding. This is written to disk: never change the layout, the limits or the CRC coverage
 * without bumping {@link #FORMAT_VERSION} and teaching recovery to read the old format.
 *
 * <pre>
 *   offset      size      field
 *   0           4         crc32c    CRC-32C of bytes 4 .. end of record (everything after it)
 *   4           8         version   the write's hybrid-logical-clock version (> 0)
 *   12          4         keyLen    bytes of the UTF-8 key, 1 .. MAX_KEY_BYTES
 *   16          4         valueLen  bytes of the value, 0 .. MAX_VALUE_BYTES, or -1 = tombstone
 *   20          keyLen    key       UTF-8
 *   20+keyLen   valueLen  value     the compact JSON bytes, stored as given (absent if tombstone)
 * </pre>
 *
 * All integers are big-endian (ByteBuffer's default). A record is valid only if its lengths are in
 * range and its CRC matches; anything else is a torn write or corruption, which recovery tells
 * apart by position (see docs/STORAGE.md). The version doubles as the record's identity: no two
 * writes share one, and compaction copies records byte for byte, so a copy keeps its version.
 *
 * <p>Stateless; safe from any thread.
 */
final class RecordCodec {
  /** Bump on any change to the layout above. Version 1 is the layout above. */
  static final int FORMAT_VERSION = 1;

  static final int HEADER_BYTES = 20;
  static final int TOMBSTONE = -1;

  /**
   * Sanity bounds, not API limits (the HTTP layer enforces 1 KiB keys and 1 MiB values): they only
   * stop a corrupt length from passing for a plausible record. Part of the format.
   */
  static final int MAX_KEY_BYTES = 64 * 1024;

  static final int MAX_VALUE_BYTES = 256 << 20;

  private static final int CRC_BYTES = 4;

  private RecordCodec() {}

  /** One decoded record; {@code value} is null for a tombstone. */
  record Record(String key, byte[] value, long version) {
    boolean tombstone() {
      return value == null;
    }
  }

  static int size(int keyLen, int valueLen) {
    return HEADER_BYTES + keyLen + Math.max(valueLen, 0);
  }

  static int size(byte[] key, byte[] valueOrNull) {
    return size(key.length, valueOrNull == null ? TOMBSTONE : valueOrNull.length);
  }

  /** Appends one record at {@code out}'s position, which must have room for it. */
  static void encode(ByteBuffer out, byte[] key, byte[] valueOrNull, long version) {
    int start = out.position();
    out.putInt(0); // crc, filled in below once the rest is in place
    out.putLong(version);
    out.putInt(key.length);
    out.putInt(valueOrNull == null ? TOMBSTONE : valueOrNull.length);
    out.put(key);
    if (valueOrNull != null) out.put(valueOrNull);
    int end = out.position();
    out.putInt(start, crc(out, start + CRC_BYTES, end));
  }

  static byte[] encode(byte[] key, byte[] valueOrNull, long version) {
    ByteBuffer out = ByteBuffer.allocate(size(key, valueOrNull));
    encode(out, key, valueOrNull, version);
    return out.array();
  }

  static byte[] keyBytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The size of the record whose header starts at {@code at} in {@code buf} (which must hold the 20
   * header bytes), or -1 when the lengths are out of range, so the header cannot be a record's.
   */
  static int sizeFromHeader(ByteBuffer buf, int at) {
    int keyLen = buf.getInt(at + 12);
    int valueLen = buf.getInt(at + 16);
    if (keyLen < 1 || keyLen > MAX_KEY_BYTES) return -1;
    if (valueLen < TOMBSTONE || valueLen > MAX_VALUE_BYTES) return -1;
    return size(keyLen, valueLen);
  }

  /** Whether the {@code size} bytes at {@code at} in {@code buf} carry a matching CRC. */
  static boolean crcMatches(ByteBuffer buf, int at, int size) {
    return buf.getInt(at) == crc(buf, at + CRC_BYTES, at + size);
  }

  /**
   * Decodes the record filling {@code buf} from its position to its limit.
   *
   * @throws CorruptRecordException if the lengths, the size or the CRC do not match
   */
  static Record decode(ByteBuffer buf) throws CorruptRecordException {
    int at = buf.position();
    int available = buf.remaining();
    if (available < HEADER_BYTES) {
      throw new CorruptRecordException("record shorter than its header (" + available + " bytes)");
    }
    int size = sizeFromHeader(buf, at);
    if (size < 0) throw new CorruptRecordException("record header has impossible lengths");
    if (size != available) {
      throw new CorruptRecordException(
          "record of " + size + " bytes where " + available + " were expected");
    }
    if (!crcMatches(buf, at, size)) throw new CorruptRecordException("record CRC mismatch");
    long version = buf.getLong(at + 4);
    int keyLen = buf.getInt(at + 12);
    int valueLen = buf.getInt(at + 16);
    byte[] key = new byte[keyLen];
    buf.get(at + HEADER_BYTES, key);
    byte[] value = null;
    if (valueLen != TOMBSTONE) {
      value = new byte[valueLen];
      buf.get(at + HEADER_BYTES + keyLen, value);
    }
    return new Record(new String(key, StandardCharsets.UTF_8), value, version);
  }

  private static int crc(ByteBuffer buf, int from, int to) {
    CRC32C crc = new CRC32C();
    ByteBuffer range = buf.duplicate();
    range.limit(to).position(from);
    crc.update(range);
    return (int) crc.getValue();
  }

  /** A record that fails its checks; the message says which. */
  static final class CorruptRecordException extends Exception {
    CorruptRecordException(String message) {
      super(message, null, false, false);
    }
  }
}
