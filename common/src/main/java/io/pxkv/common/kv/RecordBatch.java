package io.pxkv.common.kv;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary body of {@code POST /internal/import} that nodes send each other when they move keys:
 * records with their versions and writers, length-prefixed, so neither side encodes or parses JSON
 * for the values, which are already compact JSON on the sending node (the receiving node still
 * checks them). The JSON-lines body of the same call stays for people and tools.
 *
 * <pre>
 * body:  entry*
 * entry: kind:u8 (1 value, 2 tombstone, 3 value that expires)  version:i64  writer:i32
 *        [expiresAt:i64, ms since the epoch, kind 3 only]
 *        keyLength:i32  key:UTF-8  valueLength:i32  value (valueLength 0 for a tombstone)
 * </pre>
 *
 * A value's expiry travels with it as kind 3, so a moved key expires at the same instant on its new
 * node; values without one keep kind 1, which every version reads.
 */
public final class RecordBatch {
  public static final String CONTENT_TYPE = "application/x-pxkv-records";

  /** A node refuses a larger body with {@code 413}; a sender never builds one. */
  public static final int MAX_BATCH_BYTES = 32 << 20;

  private static final byte VALUE = 1;
  private static final byte TOMBSTONE = 2;
  private static final byte EXPIRING = 3;

  private RecordBatch() {}

  /**
   * One record: {@code value} null for a tombstone; {@code expiresAt} a value's expiry (ms since
   * the epoch; 0: never).
   */
  public record Entry(String key, byte[] value, long version, int writer, long expiresAt) {
    public Entry(String key, byte[] value, long version, int writer) {
      this(key, value, version, writer, 0);
    }
  }

  /** Bytes an entry of this key and value takes. */
  public static int entrySize(byte[] key, byte[] valueOrNull) {
    return 1 + 8 + 4 + 4 + key.length + 4 + (valueOrNull == null ? 0 : valueOrNull.length);
  }

  /** Bytes an entry of this key, value and expiry takes. */
  public static int entrySize(byte[] key, byte[] valueOrNull, long expiresAt) {
    return entrySize(key, valueOrNull) + (expiresAt != 0 && valueOrNull != null ? 8 : 0);
  }

  /** Appends one record. */
  public static Buffer append(
      Buffer body, byte[] key, byte[] valueOrNull, long version, int writer) {
    return append(body, key, valueOrNull, version, writer, 0);
  }

  /** Appends one record; a value with an {@code expiresAt} other than 0 carries it. */
  public static Buffer append(
      Buffer body, byte[] key, byte[] valueOrNull, long version, int writer, long expiresAt) {
    boolean expires = valueOrNull != null && expiresAt != 0;
    body.appendByte(valueOrNull == null ? TOMBSTONE : expires ? EXPIRING : VALUE)
        .appendLong(version)
        .appendInt(writer);
    if (expires) body.appendLong(expiresAt);
    body.appendInt(key.length)
        .appendBytes(key)
        .appendInt(valueOrNull == null ? 0 : valueOrNull.length);
    if (valueOrNull != null) body.appendBytes(valueOrNull);
    return body;
  }

  /**
   * Reads a body; a malformed one is {@code 400 invalid_request} naming the entry. Keys are decoded
   * strictly as UTF-8; values are returned as sent (the caller checks them).
   */
  public static List<Entry> decode(Buffer body) {
    List<Entry> entries = new ArrayList<>();
    int at = 0;
    while (at < body.length()) {
      int n = entries.size();
      need(body, at, 17, n);
      byte kind = body.getByte(at);
      if (kind != VALUE && kind != TOMBSTONE && kind != EXPIRING) {
        throw malformed("entry " + n + " has an unknown kind " + kind);
      }
      long version = body.getLong(at + 1);
      int writer = body.getInt(at + 9);
      at += 13;
      long expiresAt = 0;
      if (kind == EXPIRING) {
        need(body, at, 12, n);
        expiresAt = body.getLong(at);
        if (expiresAt <= 0) throw malformed("entry " + n + " expires at " + expiresAt);
        at += 8;
      }
      int keyLength = body.getInt(at);
      at += 4;
      need(body, at, keyLength, n);
      String key = Utf8.decodeStrict(body.getBytes(at, at + keyLength));
      if (key == null) throw malformed("the key of entry " + n + " is not UTF-8");
      at += keyLength;
      need(body, at, 4, n);
      int valueLength = body.getInt(at);
      at += 4;
      need(body, at, valueLength, n);
      if (kind == TOMBSTONE && valueLength != 0) {
        throw malformed("tombstone entry " + n + " has a value");
      }
      byte[] value = kind == TOMBSTONE ? null : body.getBytes(at, at + valueLength);
      at += valueLength;
      entries.add(new Entry(key, value, version, writer, expiresAt));
    }
    return entries;
  }

  private static void need(Buffer body, int at, int length, int entry) {
    if (length < 0 || length > body.length() - at) {
      throw malformed("entry " + entry + " is cut short");
    }
  }

  private static KvException malformed(String why) {
    return new KvException(ErrorCode.INVALID_REQUEST, "malformed record batch: " + why);
  }
}
