package io.pxkv.router.client;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits the bytes a node sends on one connection into HTTP/1.1 responses, in order. It reads what
 * the router needs from each (status, Content-Type, body) and nothing else. Bodies come with a
 * Content-Length or chunked; a response that has neither and may have a body cannot be delimited on
 * a kept-alive connection, so it is a protocol error, as is anything that is not HTTP/1.x.
 *
 * <p>Not thread-safe: one per connection, fed from its event loop.
 */
final class ResponseParser {
  /** A head larger than this is not from a px-kvstore node. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /** The response is not HTTP/1.1 as a node sends it; the connection cannot be used any more. */
  static final class ProtocolException extends Exception {
    ProtocolException(String message) {
      super(message);
    }
  }

  private final Consumer<NodeReply> onResponse;
  private Buffer pending; // bytes received and not yet parsed into a response
  private boolean closeAfter;

  ResponseParser(Consumer<NodeReply> onResponse) {
    this.onResponse = onResponse;
  }

  /** True once a response said {@code Connection: close}: nothing more will come. */
  boolean closeRequested() {
    return closeAfter;
  }

  /** Takes the next bytes and hands every response they complete to {@code onResponse}. */
  void feed(Buffer chunk) throws ProtocolException {
    Buffer data;
    if (pending == null) {
      data = chunk;
    } else {
      data = pending.appendBuffer(chunk);
    }
    int at = 0;
    while (at < data.length() && !closeAfter) {
      int next = parseOne(data, at);
      if (next < 0) break;
      at = next;
    }
    // Keep only the unparsed tail; a whole-chunk tail is kept as is (no copy).
    if (at >= data.length()) {
      pending = null;
    } else if (at == 0 && data == chunk) {
      pending = Buffer.buffer(chunk.length() * 2).appendBuffer(chunk);
    } else if (at > 0) {
      pending = Buffer.buffer().appendBuffer(data, at, data.length() - at);
    } else {
      pending = data;
    }
  }

  /** Parses one response starting at {@code at}; returns where the next starts, or -1 if cut. */
  private int parseOne(Buffer data, int at) throws ProtocolException {
    int headEnd = indexOfBlankLine(data, at);
    if (headEnd < 0) {
      if (data.length() - at > MAX_HEAD_BYTES)
        throw new ProtocolException("response head too large");
      return -1;
    }
    if (headEnd - at < 12 || !startsWith(data, at, "HTTP/1.")) {
      throw new ProtocolException("not an HTTP/1.x response");
    }
    byte minor = data.getByte(at + 7);
    if ((minor != '0' && minor != '1') || data.getByte(at + 8) != ' ') {
      throw new ProtocolException("not an HTTP/1.0 or 1.1 status line");
    }
    int status = digit(data, at + 9) * 100 + digit(data, at + 10) * 10 + digit(data, at + 11);
    boolean close = false;
    boolean keepAlive = false;
    long contentLength = -1;
    boolean chunked = false;
    String contentType = null;
    int line = lineEnd(data, at) + 2;
    while (line < headEnd) {
      int end = lineEnd(data, line);
      int colon = indexOf(data, line, end, (byte) ':');
      if (colon > 0) {
        int nameLength = colon - line;
        if (nameIs(data, line, nameLength, "content-length")) {
          contentLength = parseLength(data, colon + 1, end);
        } else if (nameIs(data, line, nameLength, "content-type")) {
          contentType = value(data, colon + 1, end);
        } else if (nameIs(data, line, nameLength, "transfer-encoding")) {
          chunked = value(data, colon + 1, end).toLowerCase().contains("chunked");
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
    int bodyStart = headEnd + 4;
    Buffer body;
    int next;
    if (status < 200 || status == 204 || status == 304) {
      // These never have a body, whatever Content-Length or Transfer-Encoding say.
      next = bodyStart;
      body = Buffer.buffer();
    } else if (chunked) {
      Buffer decoded = Buffer.buffer();
      next = decodeChunks(data, bodyStart, decoded);
      if (next < 0) return -1;
      body = decoded;
    } else if (contentLength >= 0) {
      if (data.length() - bodyStart < contentLength) return -1;
      next = bodyStart + (int) contentLength;
      body = data.getBuffer(bodyStart, next);
    } else {
      throw new ProtocolException("response without Content-Length or chunked body");
    }
    if (status >= 100 && status < 200) return next; // an interim response: the real one follows
    onResponse.accept(new NodeReply(status, contentType, body));
    return next;
  }

  /** Decodes a chunked body from {@code at} into {@code out}; returns its end, or -1 if cut. */
  private static int decodeChunks(Buffer data, int at, Buffer out) throws ProtocolException {
    while (true) {
      int end = lineEnd(data, at);
      if (end < 0) return -1;
      long size = chunkSize(data, at, end);
      at = end + 2;
      if (size == 0) {
        // Trailers, then a blank line.
        while (true) {
          int trailerEnd = lineEnd(data, at);
          if (trailerEnd < 0) return -1;
          int afterLine = trailerEnd + 2;
          if (trailerEnd == at) return afterLine;
          at = afterLine;
        }
      }
      if (data.length() < at + size + 2) return -1;
      out.appendBuffer(data, at, (int) size);
      at += (int) size;
      // The data is followed by CRLF and nothing else: anything there means the size was wrong.
      if (data.getByte(at) != '\r' || data.getByte(at + 1) != '\n') {
        throw new ProtocolException("chunk data not followed by CRLF");
      }
      at += 2;
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
    while (i < to && (data.getByte(i) == ' ' || data.getByte(i) == '\t')) i++;
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
