package io.pxkv.node.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk record, in the two formats a segment can hold (its {@link SegmentHeader} says which).
 * This is written to disk: never change a layout, a limit or the CRC coverage without a new format
 * number and teaching recovery to read the old one. New records are always written in format 2.
 *
 * <p>Format 2 ({@code *.seg} segments), all integers big-endian:
 *
 * <pre>
 *   offset   size      field
 *   0        4         crc32c    CRC-32C of bytes 4 .. end of record (everything after it)
 *   4        1         kind      1 PUT, 2 DELETE, 3 HANDOFF ({@link RecordKind})
 *   5        1         flags     which optional fields follow the fixed header
 *   6        2         extLen    bytes of those optional fields (u16)
 *   8        8         seq       node-local append order (u64), see below
 *   16       8         version   hybrid-logical-clock version of the write (u64, > 0)
 *   24       4         writer    id of the node that issued the version (u32)
 *   28       4         keyLen    bytes of the UTF-8 key, 1 .. MAX_KEY_BYTES
 *   32       4         valueLen  bytes of the value, 0 .. MAX_VALUE_BYTES (0 unless PUT)
 *   36       extLen    optional fields, in flag-bit order:
 *                        bit 0 expiresAt:u64 (ms since the epoch): on a PUT, when the value
 *                        expires; on a DELETE, an expiry tombstone (active expiry wrote it for a
 *                        value that expired then); never on a HANDOFF
 *                        bit 1 valueCodec:u8 (1 = deflate), bit 2 keyId:u32 (AES-256-GCM)
 *   36+ext   keyLen    key       UTF-8
 *   ...      valueLen  value     the value's bytes: as given, deflated (bit 1), and/or sealed
 *                                  (bit 2: nonce | ciphertext | tag, see RecordCipher)
 * </pre>
 *
 * Flag bits 3-7 are free for later fields. Since {@code extLen} frames the optional fields, a
 * record with fields this version does not know can still be framed and its CRC checked, so it is
 * told apart from a torn or damaged one: a whole, CRC-valid record of an unknown kind, with a flag
 * this version does not implement (bits 3-7), optional fields that do not match its flags, an
 * unknown value codec, an expiry on a HANDOFF, or with a value, a codec or a key on a DELETE or
 * HANDOFF was written by a newer version, and {@link #decode} says so with {@link
 * UnsupportedRecordException}. Compression is applied before encryption; both are only ever set on
 * a PUT.
 *
 * <p>Format 1 ({@code *.data} segments, read only): {@code crc32c:u32 | version:u64 | keyLen:u32 |
 * valueLen:i32 (-1 = DELETE) | key | value}, 20 header bytes. It is read as kind PUT or DELETE,
 * writer 0, and seq = version (versions of one key grow in write order in format 1, which is all
 * recovery needs of a seq).
 *
 * <p>{@code seq} orders the node's own history: every record appended gets a larger one, and
 * compaction copies records with theirs, so at restart the record of a key with the highest seq is
 * its state. {@code (version, writer)} is the write's identity across nodes, used by everything
 * else.
 *
 * <p>Stateless; safe from any thread.
 */
final class RecordCodec {
  static final int FORMAT_1 = 1;
  static final int FORMAT_2 = 2;

  /** The fixed header of a format-2 record: everything before the optional fields and the key. */
  static final int HEADER_BYTES = 36;

  /** The header of a format-1 record. */
  static final int FORMAT_1_HEADER_BYTES = 20;

  /** Flag bits of the optional fields, in the order their fields follow the fixed header. */
  static final int FLAG_EXPIRY = 1;

  static final int FLAG_VALUE_CODEC = 1 << 1;
  static final int FLAG_KEY_ID = 1 << 2;

  /** The flags this version can apply. A record with any other flag set is refused. */
  static final int SUPPORTED_FLAGS = FLAG_EXPIRY | FLAG_VALUE_CODEC | FLAG_KEY_ID;

  /** Bytes of the expiry field (bit 0). */
  static final int EXPIRY_BYTES = 8;

  /** Value codec 0: the value is stored as given (no flag, no field). */
  static final int CODEC_NONE = 0;

  /** The key id of a record that is not encrypted (key ids are 0 .. 2^31-1). */
  static final int NO_KEY = -1;

  /**
   * Sanity bounds, not API limits (the HTTP layer enforces 1 KiB keys and 1 MiB values): they only
   * stop a corrupt length from passing for a plausible record. Part of the format.
   */
  static final int MAX_KEY_BYTES = 64 * 1024;

  static final int MAX_VALUE_BYTES = 256 << 20;

  private static final int CRC_BYTES = 4;
  private static final int FORMAT_1_TOMBSTONE = -1;

  private RecordCodec() {}

  /**
   * One decoded record; {@code value} is null unless the kind is PUT, and is the stored bytes:
   * deflated when {@code codec} is not {@link #CODEC_NONE}, sealed under {@code keyId} when that is
   * not {@link #NO_KEY} (then {@code aad} holds the bytes the seal binds, else it is null). {@code
   * expiresAt} is 0 (never) unless a PUT carries an expiry or a DELETE is an expiry tombstone.
   */
  record Record(
      RecordKind kind,
      long seq,
      long version,
      int writer,
      String key,
      byte[] value,
      long expiresAt,
      int codec,
      int keyId,
      byte[] aad) {
    /** A record stored as given that never expires. */
    Record(RecordKind kind, long seq, long version, int writer, String key, byte[] value) {
      this(kind, seq, version, writer, key, value, 0, CODEC_NONE, NO_KEY, null);
    }

    /** A record stored as given. */
    Record(
        RecordKind kind,
        long seq,
        long version,
        int writer,
        String key,
        byte[] value,
        long expiresAt) {
      this(kind, seq, version, writer, key, value, expiresAt, CODEC_NONE, NO_KEY, null);
    }

    boolean sealed() {
      return keyId != NO_KEY;
    }
  }

  /** The header bytes of a record in {@code format}. */
  static int headerBytes(int format) {
    return format == FORMAT_1 ? FORMAT_1_HEADER_BYTES : HEADER_BYTES;
  }

  /** The size of a format-2 record without optional fields. */
  static int size(int keyLen, int valueLen) {
    return HEADER_BYTES + keyLen + valueLen;
  }

  static int size(byte[] key, byte[] valueOrNull) {
    return size(key.length, valueOrNull == null ? 0 : valueOrNull.length);
  }

  /** The size of a format-2 record stored as given, with the expiry field if it expires. */
  static int size(byte[] key, byte[] valueOrNull, long expiresAt) {
    return size(key, valueOrNull) + (expiresAt != 0 ? EXPIRY_BYTES : 0);
  }

  /** The bytes of the optional fields of a record with this expiry, codec and key id. */
  static int extBytes(long expiresAt, int codec, int keyId) {
    return (expiresAt != 0 ? EXPIRY_BYTES : 0)
        + (codec != CODEC_NONE ? 1 : 0)
        + (keyId != NO_KEY ? 4 : 0);
  }

  /**
   * The size of a format-2 record holding {@code value} (null unless PUT) with this expiry and
   * codec, sealed now when {@code seal}, or already sealed under {@code keyId}.
   */
  static int size(
      byte[] key, byte[] valueOrNull, long expiresAt, int codec, int keyId, boolean seal) {
    int valueLen = valueOrNull == null ? 0 : valueOrNull.length;
    int sealedUnder = keyId;
    if (seal) {
      valueLen += RecordCipher.OVERHEAD;
      sealedUnder = 0;
    }
    return HEADER_BYTES + extBytes(expiresAt, codec, sealedUnder) + key.length + valueLen;
  }

  /** Appends one format-2 record stored as given that never expires at {@code out}'s position. */
  static void encode(
      ByteBuffer out,
      RecordKind kind,
      long seq,
      long version,
      int writer,
      byte[] key,
      byte[] valueOrNull) {
    encode(out, kind, seq, version, writer, key, valueOrNull, 0);
  }

  /** Appends one format-2 record stored as given at {@code out}'s position. */
  static void encode(
      ByteBuffer out,
      RecordKind kind,
      long seq,
      long version,
      int writer,
      byte[] key,
      byte[] valueOrNull,
      long expiresAt) {
    encode(out, kind, seq, version, writer, key, valueOrNull, expiresAt, CODEC_NONE, NO_KEY, null);
  }

  /**
   * Appends one format-2 record at {@code out}'s position, which must have room for it ({@link
   * #size(byte[], byte[], long, int, int, boolean)}). An {@code expiresAt} other than 0 (a PUT's,
   * or an expiry tombstone's) is written as the optional field of flag bit 0. {@code value} is the
   * value as stored before encryption (deflated when {@code codec} says so). With {@code sealWith},
   * the value is sealed now under its current key, binding this record's header (expiry included)
   * and key; without it, a {@code keyId} other than {@link #NO_KEY} says {@code value} is already
   * sealed under it (a copy).
   */
  static void encode(
      ByteBuffer out,
      RecordKind kind,
      long seq,
      long version,
      int writer,
      byte[] key,
      byte[] valueOrNull,
      long expiresAt,
      int codec,
      int keyId,
      RecordCipher sealWith) {
    if (valueOrNull == null && (codec != CODEC_NONE || keyId != NO_KEY || sealWith != null)) {
      throw new IllegalArgumentException("only a value has a codec or a key");
    }
    if (expiresAt != 0 && kind == RecordKind.HANDOFF) {
      throw new IllegalArgumentException("a HANDOFF record has no expiry");
    }
    int sealedUnder = sealWith != null ? sealWith.currentId() : keyId;
    int flags =
        (expiresAt != 0 ? FLAG_EXPIRY : 0)
            | (codec != CODEC_NONE ? FLAG_VALUE_CODEC : 0)
            | (sealedUnder != NO_KEY ? FLAG_KEY_ID : 0);
    int valueLen = valueOrNull == null ? 0 : valueOrNull.length;
    if (sealWith != null) valueLen += RecordCipher.OVERHEAD;
    int start = out.position();
    out.putInt(0); // crc, filled in below once the rest is in place
    out.put(kind.code());
    out.put((byte) flags);
    out.putShort((short) extBytes(expiresAt, codec, sealedUnder));
    out.putLong(seq);
    out.putLong(version);
    out.putInt(writer);
    out.putInt(key.length);
    out.putInt(valueLen);
    if (expiresAt != 0) out.putLong(expiresAt);
    if (codec != CODEC_NONE) out.put((byte) codec);
    if (sealedUnder != NO_KEY) out.putInt(sealedUnder);
    out.put(key);
    if (sealWith != null) {
      ByteBuffer aad = out.duplicate();
      aad.limit(out.position()).position(start + CRC_BYTES);
      sealWith.seal(aad, valueOrNull, out);
    } else if (valueOrNull != null) {
      out.put(valueOrNull);
    }
    int end = out.position();
    out.putInt(start, crc(out, start + CRC_BYTES, end));
  }

  static byte[] encode(
      RecordKind kind, long seq, long version, int writer, byte[] key, byte[] valueOrNull) {
    return encode(kind, seq, version, writer, key, valueOrNull, 0);
  }

  static byte[] encode(
      RecordKind kind,
      long seq,
      long version,
      int writer,
      byte[] key,
      byte[] valueOrNull,
      long expiresAt) {
    ByteBuffer out = ByteBuffer.allocate(size(key, valueOrNull, expiresAt));
    encode(out, kind, seq, version, writer, key, valueOrNull, expiresAt);
    return out.array();
  }

  static byte[] keyBytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The size of the record of {@code format} whose header starts at {@code at} in {@code buf}
   * (which must hold {@link #headerBytes} bytes there), or -1 when the lengths are out of range, so
   * the header cannot be a record's. Says nothing about kind and flags: a record this version
   * cannot read still has a size, so that its CRC can be checked.
   */
  static int sizeFromHeader(ByteBuffer buf, int at, int format) {
    if (format == FORMAT_1) {
      int keyLen = buf.getInt(at + 12);
      int valueLen = buf.getInt(at + 16);
      if (keyLen < 1 || keyLen > MAX_KEY_BYTES) return -1;
      if (valueLen < FORMAT_1_TOMBSTONE || valueLen > MAX_VALUE_BYTES) return -1;
      return FORMAT_1_HEADER_BYTES + keyLen + Math.max(valueLen, 0);
    }
    int extLen = buf.getShort(at + 6) & 0xffff;
    int keyLen = buf.getInt(at + 28);
    int valueLen = buf.getInt(at + 32);
    if (keyLen < 1 || keyLen > MAX_KEY_BYTES) return -1;
    if (valueLen < 0 || valueLen > MAX_VALUE_BYTES) return -1;
    return HEADER_BYTES + extLen + keyLen + valueLen;
  }

  /** Whether the {@code size} bytes at {@code at} in {@code buf} carry a matching CRC. */
  static boolean crcMatches(ByteBuffer buf, int at, int size) {
    return buf.getInt(at) == crc(buf, at + CRC_BYTES, at + size);
  }

  /**
   * Decodes the record of {@code format} filling {@code buf} from its position to its limit.
   *
   * @throws CorruptRecordException if the lengths, the size or the CRC do not match
   * @throws UnsupportedRecordException if the record is whole and its CRC matches, but a newer
   *     version wrote it (unknown kind, flags or optional fields)
   */
  static Record decode(ByteBuffer buf, int format)
      throws CorruptRecordException, UnsupportedRecordException {
    int at = buf.position();
    int available = buf.remaining();
    if (available < headerBytes(format)) {
      throw new CorruptRecordException("record shorter than its header (" + available + " bytes)");
    }
    int size = sizeFromHeader(buf, at, format);
    if (size < 0) throw new CorruptRecordException("record header has impossible lengths");
    if (size != available) {
      throw new CorruptRecordException(
          "record of " + size + " bytes where " + available + " were expected");
    }
    if (!crcMatches(buf, at, size)) throw new CorruptRecordException("record CRC mismatch");
    return format == FORMAT_1 ? decodeFormat1(buf, at) : decodeFormat2(buf, at);
  }

  private static Record decodeFormat2(ByteBuffer buf, int at) throws UnsupportedRecordException {
    int code = buf.get(at + 4) & 0xff;
    int flags = buf.get(at + 5) & 0xff;
    int extLen = buf.getShort(at + 6) & 0xffff;
    int keyLen = buf.getInt(at + 28);
    int valueLen = buf.getInt(at + 32);
    RecordKind kind = RecordKind.of(code);
    if (kind == null) throw new UnsupportedRecordException("record kind " + code);
    if ((flags & ~SUPPORTED_FLAGS) != 0) {
      throw new UnsupportedRecordException(String.format("record flags 0x%02x", flags));
    }
    int expectedExt =
        ((flags & FLAG_EXPIRY) != 0 ? EXPIRY_BYTES : 0)
            + ((flags & FLAG_VALUE_CODEC) != 0 ? 1 : 0)
            + ((flags & FLAG_KEY_ID) != 0 ? 4 : 0);
    if (extLen != expectedExt) {
      throw new UnsupportedRecordException(
          String.format("%d bytes of optional fields with flags 0x%02x", extLen, flags));
    }
    if (kind != RecordKind.PUT && (valueLen != 0 || (flags & ~FLAG_EXPIRY) != 0)) {
      throw new UnsupportedRecordException("a " + kind + " record with a value, codec or key");
    }
    int field = at + HEADER_BYTES;
    long expiresAt = 0;
    if ((flags & FLAG_EXPIRY) != 0) {
      if (kind == RecordKind.HANDOFF) {
        throw new UnsupportedRecordException("a HANDOFF that expires");
      }
      expiresAt = buf.getLong(field);
      if (expiresAt == 0) throw new UnsupportedRecordException("an expiry of 0");
      field += EXPIRY_BYTES;
    }
    int codec = CODEC_NONE;
    if ((flags & FLAG_VALUE_CODEC) != 0) {
      codec = buf.get(field++) & 0xff;
      if (codec != Deflate.CODEC) throw new UnsupportedRecordException("value codec " + codec);
    }
    int keyId = NO_KEY;
    byte[] aad = null;
    if ((flags & FLAG_KEY_ID) != 0) {
      keyId = buf.getInt(field);
      if (keyId < 0) throw new UnsupportedRecordException("key id " + (keyId & 0xffffffffL));
      aad = new byte[HEADER_BYTES - CRC_BYTES + extLen + keyLen];
      buf.get(at + CRC_BYTES, aad);
    }
    byte[] key = new byte[keyLen];
    buf.get(at + HEADER_BYTES + extLen, key);
    byte[] value = null;
    if (kind == RecordKind.PUT) {
      value = new byte[valueLen];
      buf.get(at + HEADER_BYTES + extLen + keyLen, value);
    }
    return new Record(
        kind,
        buf.getLong(at + 8),
        buf.getLong(at + 16),
        buf.getInt(at + 24),
        new String(key, StandardCharsets.UTF_8),
        value,
        expiresAt,
        codec,
        keyId,
        aad);
  }

  private static Record decodeFormat1(ByteBuffer buf, int at) {
    long version = buf.getLong(at + 4);
    int keyLen = buf.getInt(at + 12);
    int valueLen = buf.getInt(at + 16);
    byte[] key = new byte[keyLen];
    buf.get(at + FORMAT_1_HEADER_BYTES, key);
    byte[] value = null;
    if (valueLen != FORMAT_1_TOMBSTONE) {
      value = new byte[valueLen];
      buf.get(at + FORMAT_1_HEADER_BYTES + keyLen, value);
    }
    RecordKind kind = value == null ? RecordKind.DELETE : RecordKind.PUT;
    return new Record(kind, version, version, 0, new String(key, StandardCharsets.UTF_8), value);
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

  /** A whole, CRC-valid record that a newer version wrote; the message says what is new. */
  static final class UnsupportedRecordException extends Exception {
    UnsupportedRecordException(String message) {
      super(message, null, false, false);
    }
  }
}
