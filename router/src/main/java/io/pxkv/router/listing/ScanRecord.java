package io.pxkv.router.listing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One line of a node's {@code GET /internal/scan}: a key's newest record on that node, live ({@code
 * {"key":K,"value":V,"version":N,"writer":W}}), a tombstone ({@code
 * {"key":K,"deleted":true,"version":N,"writer":W}}) or a handoff marker ({@code
 * {"key":K,"handedOff":true,"version":N,"writer":W}}: the key left that node for its owner with
 * that write). The value is kept as the node's own bytes, so it reaches the client exactly as
 * stored. A {@code /internal/read} answer of a live key has the same form.
 *
 * @param key the key
 * @param value the value's JSON, or null for a tombstone or marker
 * @param version the cluster-wide version of the write (for a marker: of the write that left)
 * @param writer the id of the node that issued the version (an unsigned 32-bit number)
 * @param handedOff whether this is a handoff marker
 * @param expiresAt a live value's expiry as the node wrote it (RFC 3339 UTC), or null: passed on to
 *     exports untouched
 */
record ScanRecord(
    String key, Buffer value, long version, int writer, boolean handedOff, String expiresAt) {
  private static final JsonFactory FACTORY = new JsonFactory();

  ScanRecord(String key, Buffer value, long version, int writer, boolean handedOff) {
    this(key, value, version, writer, handedOff, null);
  }

  /** A live record ({@code value} non-null) or a tombstone ({@code value} null). */
  ScanRecord(String key, Buffer value, long version, int writer) {
    this(key, value, version, writer, false, null);
  }

  /** A tombstone: the key was deleted by this write. */
  boolean deleted() {
    return value == null && !handedOff;
  }

  /** Whether this write of the key comes after {@code other}: by version, then by writer. */
  boolean newerThan(ScanRecord other) {
    if (version != other.version) return version > other.version;
    return Integer.compareUnsigned(writer, other.writer) > 0;
  }

  /**
   * Whether this record says more about the key than {@code other}: it is a newer write, or the
   * same write as a marker but not itself a marker (the copy that arrived, or its tombstone).
   */
  boolean supersedes(ScanRecord other) {
    if (newerThan(other)) return true;
    return !handedOff && other.handedOff && version == other.version && writer == other.writer;
  }

  /** About how much memory the record holds, to bound what a merge buffers. */
  int size() {
    return 48 + 2 * key.length() + (value == null ? 0 : value.length());
  }

  /**
   * Reads one scan line; anything else ({@code writer} may be absent: 0) throws {@link
   * IllegalArgumentException} saying what is wrong.
   */
  static ScanRecord parse(Buffer line) {
    byte[] bytes = line.getBytes();
    String key = null;
    Buffer value = null;
    boolean deleted = false;
    boolean handedOff = false;
    long version = -1;
    long writer = 0;
    String expiresAt = null;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw bad("not a JSON object");
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "key" -> {
            if (v != JsonToken.VALUE_STRING) throw bad("key is not a string");
            key = p.getText();
          }
          case "value" -> value = valueSlice(p, v, line);
          case "deleted" -> deleted = v == JsonToken.VALUE_TRUE;
          case "handedOff" -> handedOff = v == JsonToken.VALUE_TRUE;
          case "version" -> version = wholeNumber(p, v, "version");
          case "writer" -> writer = wholeNumber(p, v, "writer");
          case "expiresAt" -> {
            if (v != JsonToken.VALUE_STRING) throw bad("expiresAt is not a string");
            expiresAt = p.getText();
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) throw bad("data after the object");
    } catch (IOException e) {
      throw bad("malformed JSON: " + e.getMessage());
    }
    if (key == null) throw bad("no key");
    if (version <= 0) throw bad("no positive version");
    // Nodes send the writer unsigned (0..2^32-1); a signed one keeps the same bits.
    if (writer > 0xFFFF_FFFFL || writer < Integer.MIN_VALUE) {
      throw bad("writer is not a 32-bit number");
    }
    if (handedOff && (deleted || value != null)) {
      throw bad("a handoff marker with a value or deleted:true");
    }
    if (deleted || handedOff) {
      value = null;
    } else if (value == null) {
      throw bad("neither a value nor deleted:true nor handedOff:true");
    }
    return new ScanRecord(
        key, value, version, (int) writer, handedOff, value == null ? null : expiresAt);
  }

  /** The bytes of the value at the parser's current token, sliced from {@code line}. */
  private static Buffer valueSlice(JsonParser p, JsonToken t, Buffer line) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    int end;
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      end = (int) p.currentTokenLocation().getByteOffset() + 1;
    } else {
      // Strings are read lazily: finish the token so the location is just past it.
      p.finishToken();
      end = (int) p.currentLocation().getByteOffset();
    }
    return line.slice(start, end);
  }

  private static long wholeNumber(JsonParser p, JsonToken t, String field) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw bad(field + " is not a whole 64-bit number");
    }
    return p.getLongValue();
  }

  private static IllegalArgumentException bad(String what) {
    return new IllegalArgumentException(what);
  }
}
