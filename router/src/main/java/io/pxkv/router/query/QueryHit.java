package io.pxkv.router.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pxkv.common.kv.KeyOrder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line of a node's {@code /internal/query} or {@code /internal/knn} answer: a live pair with
 * the version and writer of its write and where the index holds it ({@code at}, a {@link Double} or
 * a {@link String}) or its score. The value stays the node's own bytes, so the client gets it
 * exactly as stored.
 */
record QueryHit(String key, Buffer value, long version, int writer, Object at, float score) {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Index order: the indexed value (numbers, or strings in UTF-8 order), then the key. */
  static final Comparator<QueryHit> INDEX_ORDER = (a, b) -> compare(a.at, a.key, b.at, b.key);

  static int compare(Object atA, String keyA, Object atB, String keyB) {
    int c =
        atA instanceof Double d
            ? Double.compare(d, (Double) atB)
            : KeyOrder.compare((String) atA, (String) atB);
    return c != 0 ? c : KeyOrder.compare(keyA, keyB);
  }

  /** Whether this write of the key comes after {@code other}'s: by version, then writer. */
  boolean newerThan(QueryHit other) {
    if (version != other.version) return version > other.version;
    return Integer.compareUnsigned(writer, other.writer) > 0;
  }

  /** Every line of a node's answer; throws {@link IllegalArgumentException} on a bad one. */
  static List<QueryHit> parseAll(Buffer body) {
    byte[] bytes = body.getBytes();
    List<QueryHit> hits = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        if (i > start) hits.add(parse(body, bytes, start, i));
        start = i + 1;
      }
    }
    return hits;
  }

  /**
   * The hit on {@code bytes[from, to)}, a copy of {@code body}'s. A node names the length of the
   * value ({@code valueBytes}) before the value, its last member: the value is then cut out by that
   * length instead of tokenised (vectors of many numbers make up most of a hit).
   */
  private static QueryHit parse(Buffer body, byte[] bytes, int from, int to) {
    String key = null;
    Buffer value = null;
    long version = -1;
    long writer = 0;
    Object at = null;
    float score = Float.NaN;
    int valueBytes = -1;
    try (JsonParser p = FACTORY.createParser(bytes, from, to - from)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw bad("not a JSON object");
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) throw bad("malformed JSON");
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("value") && valueBytes >= 0) {
          int at0 = from + (int) p.currentTokenLocation().getByteOffset();
          int end = at0 + valueBytes;
          if (!lastMember(bytes, end, to)) throw bad("valueBytes does not end the value");
          value = body.slice(at0, end);
          break;
        }
        switch (field) {
          case "key" -> key = v == JsonToken.VALUE_STRING ? p.getText() : null;
          case "value" -> value = slice(p, v, body, from);
          case "valueBytes" -> valueBytes = p.getIntValue();
          case "version" -> version = p.getLongValue();
          case "writer" -> writer = p.getLongValue();
          case "at" -> at = v == JsonToken.VALUE_STRING ? p.getText() : (Object) p.getDoubleValue();
          case "score" -> score = p.getFloatValue();
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw bad("malformed JSON: " + e.getMessage());
    }
    if (key == null || value == null || version <= 0) throw bad("a hit needs key, value, version");
    return new QueryHit(key, value, version, (int) writer, at, score);
  }

  /** Whether {@code bytes[end, to)} closes the object and holds nothing more than blanks. */
  private static boolean lastMember(byte[] bytes, int end, int to) {
    if (end >= to || bytes[end] != '}') return false;
    for (int i = end + 1; i < to; i++) {
      if (bytes[i] != ' ' && bytes[i] != '\r' && bytes[i] != '\t') return false;
    }
    return true;
  }

  private static Buffer slice(JsonParser p, JsonToken t, Buffer body, int from) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    int end;
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      end = (int) p.currentTokenLocation().getByteOffset() + 1;
    } else {
      p.finishToken();
      end = (int) p.currentLocation().getByteOffset();
    }
    return body.slice(from + start, from + end);
  }

  private static IllegalArgumentException bad(String what) {
    return new IllegalArgumentException(what);
  }
}
