package io.pxkv.router.routing;

import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.router.client.NodeReply;
import io.vertx.core.buffer.Buffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One replica's answer to {@code GET /internal/read?key=K}, taken apart without parsing the value:
 * {@code {"key":K,"value":V,"version":N,"writer":W}} (with {@code ,"expiresAt":"T"} last when the
 * key expires), or a 404 with or without a held tombstone's version and writer. The value's bytes
 * are what lies between the key and the members at the end, which are found from the body's end,
 * where no value can get in the way.
 *
 * @param state live, deleted (a tombstone held) or absent
 * @param version the write's version (0 when absent)
 * @param writer the write's writer
 * @param value the value's bytes (live only)
 * @param expiresAt the value's expiry, ms since the epoch (0: never)
 */
record ReplicaRead(State state, long version, int writer, byte[] value, long expiresAt) {
  enum State {
    LIVE,
    DELETED,
    ABSENT
  }

  static final ReplicaRead ABSENT = new ReplicaRead(State.ABSENT, 0, 0, null, 0);

  private static final Pattern LIVE_END =
      Pattern.compile(",\"version\":(\\d+),\"writer\":(-?\\d+)(?:,\"expiresAt\":\"([^\"]+)\")?}$");
  private static final Pattern DELETED_END =
      Pattern.compile(",\"deleted\":true,\"version\":(\\d+),\"writer\":(-?\\d+)}$");

  /** Parses {@code reply} (200 or 404) to a read of {@code key}; else IllegalArgumentException. */
  static ReplicaRead of(String key, NodeReply reply) {
    Buffer body = reply.body();
    int from = Math.max(0, body.length() - 160);
    String tail = body.getString(from, body.length());
    if (reply.status() == 404) {
      Matcher m = DELETED_END.matcher(tail);
      if (!m.find()) return ABSENT;
      return new ReplicaRead(
          State.DELETED, Long.parseLong(m.group(1)), (int) Long.parseLong(m.group(2)), null, 0);
    }
    Matcher m = LIVE_END.matcher(tail);
    if (reply.status() != 200 || !m.find()) {
      throw new IllegalArgumentException("an unexpected answer to a read: " + reply.status());
    }
    int valueStart = 7 + KvJson.quote(key).length + 9; // {"key":K,"value":
    // The matched end is ASCII, so its length in chars is its length in bytes.
    int valueEnd = body.length() - (tail.length() - m.start());
    byte[] value = body.getBytes(valueStart, valueEnd);
    long expiresAt = m.group(3) == null ? 0 : Ttl.parse(m.group(3));
    return new ReplicaRead(
        State.LIVE, Long.parseLong(m.group(1)), (int) Long.parseLong(m.group(2)), value, expiresAt);
  }

  /**
   * Whether this is a newer write than {@code other}: by version, then writer; absent is oldest.
   */
  boolean newerThan(ReplicaRead other) {
    if (other.state == State.ABSENT) return state != State.ABSENT;
    if (state == State.ABSENT) return false;
    return WriteOrder.compare(version, writer, other.version, other.writer) > 0;
  }

  /** Whether both are the same write (or both absent). */
  boolean sameWrite(ReplicaRead other) {
    return state == other.state && version == other.version && writer == other.writer;
  }
}
