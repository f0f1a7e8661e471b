package io.pxkv.router.client;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits the bytes a node sends on one connection into HTTP/1.1 responses, in order. It reads what
 * the router needs from each (status, Content-Type, body) and nothing else. Bodies come with a
 * Content-Length or chunked; a response that has neither and may have a body cannot be delimited on
 * a kept-alive connection, so it is a protocol error, as is anything that is not HTTP/1.x.
 *
 * <p>It keeps its place across reads: a read continues the head, size line or body where the last
 * one stopped, and body bytes are moved out as they come, so a body cut into many reads costs no
 * more to parse than one read whole.
 *
 * <p>Not thread-safe: one per connection, fed from its event loop.
 */
final class ResponseParser {
  /** A head (or a chunk-size line, or a trailer section) larger than this is not from a node. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /** The response is not HTTP/1.1 as a node sends it; the connection cannot be used any more. */
  static final class ProtocolException extends Exception {
    ProtocolException(String message) {
      super(message);
    }
  }

  private enum State {
    HEAD,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    /** After a response that closes the connection: nothing more is read. */
    DONE
  }

  /** Where a streamed answer's body goes, as it comes. */
  interface BodyReader {
    void chunk(Buffer bytes);

    /** The whole body came; the next answer on the connection follows. */
    void end();
  }

  /** Decides, per answer, whether its body is streamed. */
  interface Streams {
    /** The head of the next final answer came: a reader for its body, or null to gather it. */
    BodyReader head(int status, String contentType);
  }

  private final Consumer<NodeReply> onResponse;
  private final Streams streams;
  private BodyReader reader; // the answer being read is streamed to it
  private Buffer pending; // bytes received and not yet consumed, from pos
  private boolean pendingIsOurs; // false: pending is the caller's buffer, to be copied if kept
  private int pos;
  private int scanned; // bytes from pos already searched for the end of a line or head
  private State state = State.HEAD;
  private boolean closeAfter;

  // The response being read.
  private int status;
  private String contentType;
  private Buffer body;
  private long remaining; // body or chunk bytes still to come
  private int trailerBytes;

  ResponseParser(Consumer<NodeReply> onResponse) {
    this(onResponse, (status, contentType) -> null);
  }

  ResponseParser(Consumer<NodeReply> onResponse, Streams streams) {
    this.onResponse = onResponse;
    this.streams = streams;
  }

  /** True once a response said {@code Connection: close}: nothing more will come. */
  boolean closeRequested() {
    return closeAfter;
  }

  /** Takes the next bytes and hands every response they complete to {@code onResponse}. */
  void feed(Buffer chunk) throws ProtocolException {
    if (state == State.DONE) return;
    if (pending == null) {
      pending = chunk;
      pendingIsOurs = false;
      pos = 0;
    } else {
      pending.appendBuffer(chunk); // ours: only kept buffers are
    }
    while (pos < pending.length() || state == State.BODY && remaining == 0) {
      if (!step()) break;
      if (state == State.DONE) {
        pending = null;
        return;
      }
    }
    keepTail();
  }

  /**
   * Keeps the unconsumed bytes for the next read, copying only what is not ours or is mostly dead.
   */
  private void keepTail() {
    int left = pending.length() - pos;
    if (left == 0) {
      pending = null;
    } else if (!pendingIsOurs || pos >= left) {
      // A copy costs no more than the bytes consumed since the last: linear overall.
      Buffer tail = Buffer.buffer(Math.max(256, left * 2));
      tail.appendBuffer(pending, pos, left);
      pending = tail;
      pendingIsOurs = true;
      pos = 0;
    }
  }

  /** Parses what it can in the current state; false if more bytes are needed. */
  private boolean step() throws ProtocolException {
    switch (state) {
      case HEAD -> {
        int headEnd = indexOfBlankLine(pending, pos + scanned);
        if (headEnd < 0) {
          int left = pending.length() - pos;
          if (left > MAX_HEAD_BYTES) throw new ProtocolException("response head too large");
          scanned = Math.max(0, left - 3);
          return false;
        }
        scanned = 0;
        parseHead(pos, headEnd);
        pos = headEnd + 4;
        return true;
      }
      case BODY, CHUNK_DATA -> {
        int available = (int) Math.min(remaining, pending.length() - pos);
        if (reader != null) {
          if (available > 0) reader.chunk(pending.getBuffer(pos, pos + available));
        } else if (body == null && available == remaining) {
          body = pending.getBuffer(pos, pos + available); // all here: one copy of the right size
        } else if (available > 0) {
          if (body == null) body = Buffer.buffer((int) Math.min(remaining, MAX_HEAD_BYTES));
          body.appendBuffer(pending, pos, available);
        }
        pos += available;
        remaining -= available;
        if (remaining > 0) return false;
        if (state == State.BODY) {
          finish();
        } else {
          state = State.CHUNK_END;
        }
        return true;
      }
      case CHUNK_END -> {
        if (pending.length() - pos < 2) return false;
        // The data is followed by CRLF and nothing else: anything there means the size was wrong.
        if (pending.getByte(pos) != '\r' || pending.getByte(pos + 1) != '\n') {
          throw new ProtocolException("chunk data not followed by CRLF");
        }
        pos += 2;
        state = State.CHUNK_SIZE;
        return true;
      }
      case CHUNK_SIZE -> {
        int end = lineEnd();
        if (end < 0) return false;
        long size = chunkSize(pending, pos, end);
        pos = end + 2;
        if (size == 0) {
          trailerBytes = 0;
          state = State.TRAILERS;
        } else {
          remaining = size;
          if (body == null && reader == null) {
            body = Buffer.buffer((int) Math.min(size, MAX_HEAD_BYTES));
          }
          state = State.CHUNK_DATA;
        }
        return true;
      }
      case TRAILERS -> {
        int end = lineEnd();
        if (end < 0) return false;
        boolean blank = end == pos;
        trailerBytes += end + 2 - pos;
        if (trailerBytes > MAX_HEAD_BYTES) throw new ProtocolException("trailers too large");
        pos = end + 2;
        if (blank) finish(); // trailers are read past, not kept
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** The CR of the line starting at {@code pos}, or -1 (bounded: a line is not a body). */
  private int lineEnd() throws ProtocolException {
    int end = lineEnd(pending, pos + scanned);
    if (end >= 0) {
      scanned = 0;
      return end;
    }
    int left = pending.length() - pos;
    if (left > MAX_HEAD_BYTES) throw new ProtocolException("line too long");
    scanned = Math.max(0, left - 1);
    return -1;
  }

  /** Reads the head in {@code [at, headEnd)} and sets up for its body. */
  private void parseHead(int at, int headEnd) throws ProtocolException {
    Buffer data = pending;
    int statusLineEnd = lineEnd(data, at);
    if (statusLineEnd - at < 12 || !startsWith(data, at, "HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x response");
    }
    byte minor = data.getByte(at + 7);
    if ((minor != '0' && minor != '1') || data.getByte(at + 8) != ' ') {
      throw new ProtocolException("not an HTTP/1.0 or 1.1 status line");
    }
    status = digit(data, at + 9) * 100 + digit(data, at + 10) * 10 + digit(data, at + 11);
    if (statusLineEnd - at > 12 && data.getByte(at + 12) != ' ') {
      throw new ProtocolException("bad status line");
    }
    if (status == 101) throw new ProtocolException("a node does not switch protocols");
    boolean close = false;
    boolean keepAlive = false;
    long contentLength = -1;
    boolean chunked = false;
    contentType = null;
    int line = statusLineEnd + 2;
    while (line < headEnd) {
      int end = lineEnd(data, line);
      byte first = data.getByte(line);
      if (first == ' ' || first == '\t') throw new ProtocolException("folded header line");
      int colon = indexOf(data, line, end, (byte) ':');
      if (colon > 0) {
        int nameLength = colon - line;
        if (nameIs(data, line, nameLength, "content-length")) {
          long length = parseLength(data, colon + 1, end);
          if (contentLength >= 0 && contentLength != length) {
            throw new ProtocolException("conflicting Content-Length");
          }
          contentLength = length;
        } else if (nameIs(data, line, nameLength, "content-type")) {
          contentType = value(data, colon + 1, end);
        } else if (nameIs(data, line, nameLength, "transfer-encoding")) {
          // A node sends chunked alone; anything else it encoded could not be read here.
          if (chunked || !value(data, colon + 1, end).equalsIgnoreCase("chunked")) {
            throw new ProtocolException("unsupported Transfer-Encoding");
          }
          chunked = true;
        } else if (nameIs(data, line, nameLength, "connection")) {
          String tokens = value(data, colon + 1, end);
          close |= hasToken(tokens, "close");
          keepAlive |= hasToken(tokens, "keep-alive");
        }
      }
      line = end + 2;
    }
    // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.
    closeAfter |= close || (minor == '0' && !keepAlive);
    body = null;
    if (status < 200 || status == 204 || status == 304) {
      // These never have a body, whatever Content-Length or Transfer-Encoding say.
      remaining = 0;
      state = State.BODY;
    } else if (chunked) {
      // Both would let the node and the router disagree on where the answer ends.
      if (contentLength >= 0) throw new ProtocolException("both Content-Length and chunked");
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = State.BODY;
    } else {
      throw new ProtocolException("response without Content-Length or chunked body");
    }
    reader = status >= 200 ? streams.head(status, contentType) : null;
  }

  /** The response is whole: hands it on (an interim 1xx is dropped: the real one follows). */
  private void finish() {
    Buffer whole = body == null ? Buffer.buffer() : body;
    body = null;
    state = closeAfter ? State.DONE : State.HEAD;
    if (reader != null) {
      BodyReader done = reader;
      reader = null;
      done.end();
    } else if (status >= 200) {
      onResponse.accept(new NodeReply(status, contentType, whole));
    }
  }

  /**
   * The size on the chunk-size line {@code [from, to)}: hex digits, at least one (a line without is
   * not the last chunk but an error), then optional blanks and {@code ;} extensions, ignored.
   */
  private static long chunkSize(Buffer data, int from, int to) throws ProtocolException {
    long size = 0;
    int i = from;
    for (; i < to; i++) {
      int d = Character.digit(data.getByte(i), 16);
      if (d < 0) break;
      size = size * 16 + d;
      if (size > Integer.MAX_VALUE) throw new ProtocolException("chunk too large");
    }
    if (i == from) throw new ProtocolException("chunk size without hex digits");
    while (i < to && isBlank(data.getByte(i))) i++;
    if (i < to && data.getByte(i) != ';') throw new ProtocolException("bad chunk size line");
    return size;
  }

  private static int indexOfBlankLine(Buffer data, int from) {
    for (int i = from; i + 3 < data.length(); i++) {
      if (data.getByte(i) == '\r'
          && data.getByte(i + 1) == '\n'
          && data.getByte(i + 2) == '\r'
          && data.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The index of the CR of the line starting at {@code from}, or -1. */
  private static int lineEnd(Buffer data, int from) {
    for (int i = from; i + 1 < data.length(); i++) {
      if (data.getByte(i) == '\r' && data.getByte(i + 1) == '\n') return i;
    }
    return -1;
  }

  private static int indexOf(Buffer data, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (data.getByte(i) == b) return i;
    }
    return -1;
  }

  private static boolean startsWith(Buffer data, int at, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (data.getByte(at + i) != prefix.charAt(i)) return false;
    }
    return true;
  }

  /** Case-insensitive ASCII comparison of a header name with a lower-case {@code name}. */
  private static boolean nameIs(Buffer data, int at, int length, String name) {
    if (length != name.length()) return false;
    for (int i = 0; i < length; i++) {
      int c = data.getByte(at + i);
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
      if (c != name.charAt(i)) return false;
    }
    return true;
  }

  /** Whether the comma-separated list {@code value} holds {@code token}, in any case. */
  private static boolean hasToken(String value, String token) {
    for (String t : value.split(",")) {
      if (t.trim().equalsIgnoreCase(token)) return true;
    }
    return false;
  }

  private static String value(Buffer data, int from, int to) {
    return data.getString(from, to, "ISO-8859-1").trim();
  }

  /**
   * A Content-Length: decimal digits between optional blanks. One past {@code Integer.MAX_VALUE}
   * could never be held in a buffer, so it fails now rather than at the call's deadline.
   */
  private static long parseLength(Buffer data, int from, int to) throws ProtocolException {
    while (from < to && isBlank(data.getByte(from))) from++;
    while (to > from && isBlank(data.getByte(to - 1))) to--;
    if (from == to) throw new ProtocolException("empty Content-Length");
    long n = 0;
    for (int i = from; i < to; i++) {
      byte b = data.getByte(i);
      if (b < '0' || b > '9') throw new ProtocolException("bad Content-Length");
      n = n * 10 + (b - '0');
      if (n > Integer.MAX_VALUE) throw new ProtocolException("Content-Length too large");
    }
    return n;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  private static int digit(Buffer data, int at) throws ProtocolException {
    byte b = data.getByte(at);
    if (b < '0' || b > '9') throw new ProtocolException("bad status line");
    return b - '0';
  }
}
