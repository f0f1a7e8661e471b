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
 * entry: kind:u8 (1 value, 2 tombstone)  version:i64  writer:i32
 *        keyLength:i32  key:UTF-8  valueLength:i32  value (valueLength 0 for a tombstone)
 * </pre>
 */
public final class RecordBatch {
  public static final String CONTENT_TYPE = "application/x-pxkv-records";

  /** A node refuses a larger body with {@code 413}; a sender never builds one. */
  public static final int MAX_BATCH_BYTES = 32 << 20;

  private static final byte VALUE = 1;
  private static final byte TOMBSTONE = 2;

  private RecordBatch() {}

  /** One record: {@code value} null for a tombstone. */
  public record Entry(String key, byte[] value, long version, int writer) {}

  /** Bytes an entry of this key and value takes. */
  public static int entrySize(byte[] key, byte[] valueOrNull) {
    return 1 + 8 + 4 + 4 + key.length + 4 + (valueOrNull == null ? 0 : valueOrNull.length);
  }

  /** Appends one record. */
  public static Buffer append(
      Buffer body, byte[] key, byte[] valueOrNull, long version, int writer) {
    body.appendByte(valueOrNull == null ? TOMBSTONE : VALUE)
        .appendLong(version)
        .appendInt(writer)
        .appendInt(key.length)
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
      if (kind != VALUE && kind != TOMBSTONE) {
        throw malformed("entry " + n + " has an unknown kind " + kind);
      }
      long version = body.getLong(at + 1);
      int writer = body.getInt(at + 9);
      int keyLength = body.getInt(at + 13);
      at += 17;
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
      entries.add(new Entry(key, value, version, writer));
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
