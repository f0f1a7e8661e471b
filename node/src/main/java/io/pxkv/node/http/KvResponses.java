package io.pxkv.node.http;

import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes the success bodies of {@code /kv} by concatenating bytes: the stored value is already
 * compact JSON, so it is copied in as it is and never parsed again on the way out.
 */
final class KvResponses {
  private static final byte[] KEY_OPEN = "{\"key\":".getBytes();
  private static final byte[] VALUE_FIELD = ",\"value\":".getBytes();
  private static final byte[] VERSION_FIELD = ",\"version\":".getBytes();
  private static final byte[] DELETED_TAIL = ",\"deleted\":true".getBytes();
  private static final byte[] HANDED_OFF_TAIL = ",\"handedOff\":true".getBytes();
  private static final byte[] WRITER_FIELD = ",\"writer\":".getBytes();
  private static final byte[] EXPIRES_AT_FIELD = ",\"expiresAt\":\"".getBytes();

  private KvResponses() {}

  /**
   * {@code {"key":K,"value":V,"version":N}}, with {@code "expiresAt":"<RFC 3339 UTC>"} when the key
   * expires ({@code expiresAt} not 0).
   */
  static void value(
      HttpServerResponse response,
      int status,
      String key,
      byte[] value,
      long version,
      long expiresAt) {
    JsonResponses.send(response, status, valueBody(key, value, version, expiresAt));
  }

  /** The body of {@link #value}. */
  static Buffer valueBody(String key, byte[] value, long version, long expiresAt) {
    byte[] quotedKey = KvJson.quote(key);
    Buffer body = Buffer.buffer(quotedKey.length + value.length + 48);
    body.appendBytes(KEY_OPEN)
        .appendBytes(quotedKey)
        .appendBytes(VALUE_FIELD)
        .appendBytes(value)
        .appendBytes(VERSION_FIELD)
        .appendString(Long.toString(version));
    return appendExpiresAt(body, expiresAt).appendByte((byte) '}');
  }

  /** Appends {@code ,"expiresAt":"<RFC 3339 UTC>"} if {@code expiresAt} is not 0. */
  static Buffer appendExpiresAt(Buffer body, long expiresAt) {
    if (expiresAt == 0) return body;
    return body.appendBytes(EXPIRES_AT_FIELD)
        .appendString(Ttl.format(expiresAt))
        .appendByte((byte) '"');
  }

  /** {@code {"key":K,"deleted":true,"version":N}}. */
  static void deleted(HttpServerResponse response, String key, long version) {
    byte[] quotedKey = KvJson.quote(key);
    Buffer body = Buffer.buffer(quotedKey.length + 48);
    body.appendBytes(KEY_OPEN)
        .appendBytes(quotedKey)
        .appendBytes(DELETED_TAIL)
        .appendBytes(VERSION_FIELD)
        .appendString(Long.toString(version))
        .appendByte((byte) '}');
    JsonResponses.send(response, 200, body);
  }

  /**
   * Appends {@code {"key":K,"value":V,"version":N,"writer":W}}, for a tombstone {@code
   * {"key":K,"deleted":true,"version":N,"writer":W}} (a value that expires also has {@code
   * "expiresAt"}), or for a handoff marker {@code
   * {"key":K,"handedOff":true,"version":N,"writer":W}} (the write that left): a record as the
   * internal calls exchange them.
   */
  static Buffer appendRecord(Buffer body, StoredRecord r) {
    body.appendBytes(KEY_OPEN).appendBytes(KvJson.quote(r.key()));
    if (r.handedOff()) {
      body.appendBytes(HANDED_OFF_TAIL);
    } else if (r.deleted()) {
      body.appendBytes(DELETED_TAIL);
    } else {
      body.appendBytes(VALUE_FIELD).appendBytes(r.value());
    }
    body.appendBytes(VERSION_FIELD)
        .appendString(Long.toString(r.version()))
        .appendBytes(WRITER_FIELD)
        .appendString(Long.toString(WriteOrder.writerJson(r.writer())));
    return appendExpiresAt(body, r.expiresAt()).appendByte((byte) '}');
  }
}
