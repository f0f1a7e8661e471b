package io.pxkv.router.routing;

import io.pxkv.router.client.NodeReply;
import io.vertx.core.buffer.Buffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the few numbers the router needs from nodes' internal answers without parsing values. A
 * node writes {@code "version"} and {@code "writer"} as the last members of {@code /internal/read}
 * answers ({@code {"key":K,"value":V,"version":N,"writer":W}}, then {@code ,"expiresAt":T} for a
 * value that expires; or for a held tombstone {@code
 * {"error":"not_found","message":M,"deleted":true,"version":N,"writer":W}}), so they are found by
 * reading the body from its end, where no value can get in the way.
 */
public final class NodeAnswers {
  /** How a live read answer ends: the writer, then the expiry of a value that has one. */
  private static final Pattern LIVE_END =
      Pattern.compile(",\"version\":(\\d+)(,\"writer\":(-?\\d+))(,\"expiresAt\":\"[^\"]*\")?}$");

  /** How a held tombstone's 404 ends. Quotes inside the message are escaped, so cannot match. */
  private static final Pattern DELETED_END =
      Pattern.compile(",\"deleted\":true,\"version\":(\\d+),\"writer\":(-?\\d+)}$");

  private NodeAnswers() {}

  /** What one node holds of one key. */
  public record Held(State state, long version, int writer) {
    public enum State {
      LIVE,
      DELETED,
      ABSENT
    }

    static final Held ABSENT = new Held(State.ABSENT, 0, 0);

    /** Whether this is a newer write than {@code other}: by version, then by writer (unsigned). */
    boolean newerThan(Held other) {
      if (other.state == State.ABSENT) return state != State.ABSENT;
      if (state == State.ABSENT) return false;
      if (version != other.version) return version > other.version;
      return Integer.compareUnsigned(writer, other.writer) > 0;
    }
  }

  /** The answer of {@code GET /internal/read}: 200 live, 404 with or without a tombstone. */
  static Held held(NodeReply reply) {
    String tail = tail(reply.body());
    if (reply.status() == 404) {
      Matcher m = DELETED_END.matcher(tail);
      if (!m.find()) return Held.ABSENT;
      return new Held(Held.State.DELETED, Long.parseLong(m.group(1)), writer(m.group(2)));
    }
    Matcher m = LIVE_END.matcher(tail);
    if (reply.status() != 200 || !m.find()) {
      throw new IllegalArgumentException(
          "an unexpected answer to a read: " + reply.status() + " " + tail);
    }
    return new Held(Held.State.LIVE, Long.parseLong(m.group(1)), writer(m.group(3)));
  }

  private static int writer(String digits) {
    return (int) Long.parseLong(digits); // sent unsigned (0..2^32-1) or signed: the bits are kept
  }

  /**
   * The client's answer for a live {@code /internal/read} reply: the same body without its {@code
   * ,"writer":W}, which is the router's business only (an {@code expiresAt} after it stays).
   */
  static Buffer withoutWriter(Buffer body) {
    String tail = tail(body);
    Matcher m = LIVE_END.matcher(tail);
    if (!m.find()) return body;
    // Counted from the end: what follows the value is ASCII, one byte a char.
    Buffer out = body.getBuffer(0, body.length() - (tail.length() - m.start(2)));
    if (m.group(4) != null) out.appendString(m.group(4));
    return out.appendByte((byte) '}');
  }

  /** The whole-number member {@code name} anywhere in {@code json}, or {@code otherwise}. */
  static long longMember(String json, String name, long otherwise) {
    int at = json.lastIndexOf("\"" + name + "\":");
    if (at < 0) return otherwise;
    return parseLong(json, at + name.length() + 3, otherwise);
  }

  /**
   * The last 128 bytes: enough for the members at the end (at most ~92 with an expiry), never the
   * value before them.
   */
  private static String tail(Buffer body) {
    int from = Math.max(0, body.length() - 128);
    return body.getString(from, body.length());
  }

  private static long parseLong(String s, int from, long otherwise) {
    int end = from;
    if (end < s.length() && s.charAt(end) == '-') end++;
    while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
    try {
      return Long.parseLong(s.substring(from, end));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
