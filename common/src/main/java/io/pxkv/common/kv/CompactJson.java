package io.pxkv.common.kv;

/**
 * A fast check that a byte array is already one JSON value in exactly the form {@link KvJson}
 * stores: no whitespace outside strings, strings of well-formed UTF-8 without escapes or control
 * characters, numbers as JSON writes them, nesting within a limit. Such a value is stored as it
 * came, without a parse and re-write; anything else (spaces, escapes, ill-formed UTF-8, any doubt
 * at all) answers false, and the caller takes the full Jackson path, which checks the bytes are
 * UTF-8 first, then compacts the value or names what is wrong with it.
 *
 * <p>Why: a client's PUT usually sends a small value that is compact already, and checking it byte
 * by byte costs a fraction of running a parser and a generator over it.
 */
final class CompactJson {
  /** Numbers longer than this go the full path, whose parser has its own length limit. */
  private static final int MAX_NUMBER_CHARS = 100;

  private final byte[] b;
  private final int maxDepth;
  private int at;

  private CompactJson(byte[] b, int maxDepth) {
    this.b = b;
    this.maxDepth = maxDepth;
  }

  /** True only if {@code json} is one compact JSON value nested at most {@code maxDepth} deep. */
  static boolean isCompact(byte[] json, int maxDepth) {
    CompactJson check = new CompactJson(json, maxDepth);
    return check.value(0) && check.at == json.length;
  }

  private boolean value(int depth) {
    if (at >= b.length) return false;
    return switch (b[at]) {
      case '{' -> depth < maxDepth && object(depth + 1);
      case '[' -> depth < maxDepth && array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    };
  }

  private boolean object(int depth) {
    at++; // {
    if (at < b.length && b[at] == '}') {
      at++;
      return true;
    }
    while (true) {
      if (at >= b.length || b[at] != '"' || !string()) return false;
      if (at >= b.length || b[at++] != ':') return false;
      if (!value(depth)) return false;
      if (at >= b.length) return false;
      byte next = b[at++];
      if (next == '}') return true;
      if (next != ',') return false;
    }
  }

  private boolean array(int depth) {
    at++; // [
    if (at < b.length && b[at] == ']') {
      at++;
      return true;
    }
    while (true) {
      if (!value(depth)) return false;
      if (at >= b.length) return false;
      byte next = b[at++];
      if (next == ']') return true;
      if (next != ',') return false;
    }
  }

  /**
   * A string without escapes or control characters: printable ASCII other than quote and backslash,
   * and well-formed UTF-8 sequences ({@link Utf8}), which Jackson writes back as the same bytes.
   * Anything ill-formed answers false; the full path then names the error.
   */
  private boolean string() {
    at++; // opening quote
    while (at < b.length) {
      byte c = b[at];
      if (c == '"') {
        at++;
        return true;
      }
      if (c >= 0x20 && c <= 0x7e && c != '\\') {
        at++;
      } else if (c < 0) { // bytes are signed: 0x80 and up, the start of a multi-byte sequence
        int length = Utf8.sequenceLength(b, at, b.length);
        if (length == 0) return false;
        at += length;
      } else {
        return false; // a control character, DEL or a backslash
      }
    }
    return false;
  }

  private boolean literal(String word) {
    if (at + word.length() > b.length) return false;
    for (int i = 0; i < word.length(); i++) {
      if (b[at + i] != word.charAt(i)) return false;
    }
    at += word.length();
    return true;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, the JSON number grammar. */
  private boolean number() {
    int start = at;
    if (b[at] == '-') at++;
    if (at >= b.length) return false;
    if (b[at] == '0') {
      at++;
    } else if (!digits()) {
      return false;
    }
    if (at < b.length && b[at] == '.') {
      at++;
      if (!digits()) return false;
    }
    if (at < b.length && (b[at] == 'e' || b[at] == 'E')) {
      at++;
      if (at < b.length && (b[at] == '+' || b[at] == '-')) at++;
      if (!digits()) return false;
    }
    return at - start <= MAX_NUMBER_CHARS;
  }

  /** One or more digits. */
  private boolean digits() {
    int start = at;
    while (at < b.length && b[at] >= '0' && b[at] <= '9') at++;
    return at > start;
  }
}
