package io.pxkv.common.kv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the bodies of /kv calls and writes JSON strings, on the hot path, with Jackson's streaming
 * API (no trees).
 *
 * <p>A value is stored as its compact JSON text: whitespace between tokens is dropped, every other
 * byte (number spelling, string escapes as Jackson writes them, field order) is kept. Numbers are
 * copied as written, so {@code 1.10} and {@code 12345678901234567890123} come back unchanged.
 */
public final class KvJson {
  /** Characters outside the BMP are written as 4 UTF-8 bytes, not as escaped surrogate pairs. */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private KvJson() {}

  /**
   * The parsed body of {@code PUT /kv}: {@code {"key":K,"value":V}}, with {@code "ttl":SECONDS}
   * when the key expires ({@code ttl} 0: never).
   */
  public record PutBody(String key, byte[] value, long ttl) {
    public PutBody(String key, byte[] value) {
      this(key, value, 0);
    }
  }

  /**
   * Parses {@code {"key":K,"value":V}} and an optional {@code "ttl":SECONDS} ({@link Ttl}); unknown
   * fields are ignored.
   */
  public static PutBody parsePutBody(byte[] body, ValueLimits limits) {
    String key = null;
    byte[] value = null;
    Long ttl = null;
    try (JsonParser p = parser(body)) {
      expectObjectStart(p);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("key".equals(field)) {
          if (key != null) throw KvException.invalidJson("field 'key' appears twice");
          key = readKey(p, v);
        } else if ("value".equals(field)) {
          if (value != null) throw KvException.invalidJson("field 'value' appears twice");
          value = copyValue(p, limits);
        } else if ("ttl".equals(field)) {
          if (ttl != null) throw twice("ttl");
          ttl = readTtl(p, v);
        } else {
          p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read request body", e);
    }
    if (key == null) throw KvException.invalidKey("field 'key' is required");
    KeyRules.validate(key);
    if (value == null) throw new KvException(ErrorCode.MISSING_VALUE, "field 'value' is required");
    return new PutBody(key, value, ttl == null ? 0 : ttl);
  }

  private static long readTtl(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      String was = t == JsonToken.VALUE_NUMBER_INT ? p.getText() : describe(t);
      if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_STRING) was = p.getText();
      p.skipChildren();
      throw Ttl.invalid(was);
    }
    return Ttl.checked(p.getLongValue(), p.getText());
  }

  /** One listed pair with its version, the value's bytes exactly as the node sent them. */
  public record VersionedItem(String key, byte[] value, long version) {}

  /** A node's listing page: {@code {"items":[{"key","value","version"}...],"cursor":C}}. */
  public record Page(List<VersionedItem> items, String cursor) {}

  /**
   * Parses a listing page as a node writes it. Values are copied token by token, so their bytes
   * (already compact on the node) come through unchanged; no limit applies, the node checked them.
   */
  public static Page parsePage(byte[] body) {
    List<VersionedItem> items = new ArrayList<>();
    String cursor = null;
    ValueLimits unlimited = new ValueLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
    try (JsonParser p = parser(body)) {
      expectObjectStart(p);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("cursor".equals(field) && v == JsonToken.VALUE_STRING) {
          cursor = p.getText();
        } else if ("items".equals(field) && v == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String key = null;
            byte[] value = null;
            long version = 0;
            for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
              String name = p.currentName();
              JsonToken fv = p.nextToken();
              if ("key".equals(name)) key = readKey(p, fv);
              else if ("value".equals(name)) value = copyValue(p, unlimited);
              else if ("version".equals(name) && fv == JsonToken.VALUE_NUMBER_INT)
                version = p.getLongValue();
              else p.skipChildren();
            }
            if (key == null || value == null)
              throw KvException.invalidJson("listing item without key or value");
            items.add(new VersionedItem(key, value, version));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read a listing page", e);
    }
    return new Page(items, cursor);
  }

  /** Parses {@code {"key":K}} (the body of {@code DELETE /kv}, and of a body-style GET). */
  public static String parseKeyBody(byte[] body) {
    String key = null;
    try (JsonParser p = parser(body)) {
      expectObjectStart(p);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("key".equals(field)) {
          if (key != null) throw KvException.invalidJson("field 'key' appears twice");
          key = readKey(p, v);
        } else {
          p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read request body", e);
    }
    if (key == null) throw KvException.invalidKey("field 'key' is required");
    KeyRules.validate(key);
    return key;
  }

  /** A key with a value and the version it was written at, as moved between nodes. */
  public record VersionedLine(String key, byte[] value, long version) {}

  /** A key and the version of one of its writes. */
  public record KeyVersion(String key, long version) {}

  /**
   * Parses {@code {"key":K,"value":V,"version":N}} (one line of an import); {@code N} must be a
   * positive integer that fits in 64 bits. Unknown fields are ignored.
   */
  public static VersionedLine parseVersionedLine(byte[] line, ValueLimits limits) {
    VersionedLine parsed = parseVersioned(line, limits);
    if (parsed.value() == null) {
      throw new KvException(ErrorCode.MISSING_VALUE, "field 'value' is required");
    }
    return parsed;
  }

  /**
   * Parses {@code {"key":K,"version":N}}; {@code N} must be a positive integer that fits in 64
   * bits. Other fields, a value among them, are ignored.
   */
  public static KeyVersion parseKeyVersionLine(byte[] line) {
    VersionedLine parsed = parseVersioned(line, null);
    return new KeyVersion(parsed.key(), parsed.version());
  }

  /** The fields key (required), version (required) and, with {@code limits}, value (optional). */
  private static VersionedLine parseVersioned(byte[] body, ValueLimits limits) {
    String key = null;
    byte[] value = null;
    Long version = null;
    try (JsonParser p = parser(body)) {
      expectObjectStart(p);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("key".equals(field)) {
          if (key != null) throw KvException.invalidJson("field 'key' appears twice");
          key = readKey(p, v);
        } else if ("value".equals(field) && limits != null) {
          if (value != null) throw KvException.invalidJson("field 'value' appears twice");
          value = copyValue(p, limits);
        } else if ("version".equals(field)) {
          if (version != null) throw KvException.invalidJson("field 'version' appears twice");
          version = readVersion(p, v);
        } else {
          p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read request body", e);
    }
    if (key == null) throw KvException.invalidKey("field 'key' is required");
    KeyRules.validate(key);
    if (version == null) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "field 'version' is required");
    }
    return new VersionedLine(key, value, version);
  }

  /**
   * One record of a key as nodes exchange them (imports, scans, restores): a value, or a tombstone
   * ({@code value == null}), with the version and writer id of its write, and a value's expiry
   * ({@code expiresAt}, ms since the epoch; 0: never). {@code version} is 0 for a restore line
   * without one (an ordinary put).
   */
  public record RecordLine(String key, byte[] value, long version, int writer, long expiresAt) {
    public RecordLine(String key, byte[] value, long version, int writer) {
      this(key, value, version, writer, 0);
    }

    public boolean deleted() {
      return value == null;
    }
  }

  /** A key and the version and writer of one of its writes. */
  public record KeyStamp(String key, long version, int writer) {}

  /**
   * Parses {@code {"key":K,"value":V,"version":N,"writer":W}} or {@code
   * {"key":K,"deleted":true,"version":N,"writer":W}}: a line of {@code /internal/import} or of
   * {@code /internal/scan}. {@code version} is required (a positive 64-bit integer), {@code writer}
   * optional (an unsigned 32-bit integer, default 0); exactly one of a value and {@code
   * "deleted":true}. Unknown fields are ignored.
   */
  public static RecordLine parseRecordLine(byte[] line, ValueLimits limits) {
    return parseRecord(line, limits, true);
  }

  /**
   * Parses a line of {@code /admin/import}: as {@link #parseRecordLine}, but {@code version} may be
   * left out, and then the line is a plain {@code {"key":K,"value":V}} (version 0 in the result).
   */
  public static RecordLine parseRestoreLine(byte[] line, ValueLimits limits) {
    return parseRecord(line, limits, false);
  }

  /**
   * Parses {@code {"key":K,"version":N,"writer":W}} (a line of {@code /internal/handoff}); {@code
   * writer} is optional (default 0), other fields are ignored.
   */
  public static KeyStamp parseKeyStampLine(byte[] line) {
    RecordLine r = parseRecord(line, null, true);
    return new KeyStamp(r.key(), r.version(), r.writer());
  }

  /** {@code limits == null}: value and deleted are skipped (a stamp line). */
  private static RecordLine parseRecord(byte[] body, ValueLimits limits, boolean versionRequired) {
    String key = null;
    byte[] value = null;
    Boolean deleted = null;
    Long version = null;
    Long writer = null;
    Long expiresAt = null;
    try (JsonParser p = parser(body)) {
      expectObjectStart(p);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("key".equals(field)) {
          if (key != null) throw twice("key");
          key = readKey(p, v);
        } else if ("value".equals(field) && limits != null) {
          if (value != null) throw twice("value");
          value = copyValue(p, limits);
        } else if ("deleted".equals(field) && limits != null) {
          if (deleted != null) throw twice("deleted");
          if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
            throw new KvException(
                ErrorCode.INVALID_REQUEST,
                "field 'deleted' must be true or false (was " + describe(v) + ")");
          }
          deleted = v == JsonToken.VALUE_TRUE;
        } else if ("version".equals(field)) {
          if (version != null) throw twice("version");
          version = readVersion(p, v);
        } else if ("writer".equals(field)) {
          if (writer != null) throw twice("writer");
          writer = readWriter(p, v);
        } else if ("expiresAt".equals(field)) {
          if (expiresAt != null) throw twice("expiresAt");
          if (v != JsonToken.VALUE_STRING) {
            throw new KvException(
                ErrorCode.INVALID_REQUEST,
                "field 'expiresAt' must be an RFC 3339 time (was " + describe(v) + ")");
          }
          expiresAt = Ttl.parse(p.getText());
        } else {
          p.skipChildren();
        }
      }
      expectEnd(p);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read request body", e);
    }
    if (key == null) throw KvException.invalidKey("field 'key' is required");
    KeyRules.validate(key);
    if (version == null && versionRequired) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "field 'version' is required");
    }
    if (limits != null) {
      boolean tombstone = Boolean.TRUE.equals(deleted);
      if (tombstone && value != null) {
        throw new KvException(
            ErrorCode.INVALID_REQUEST, "a line has either a value or \"deleted\":true, not both");
      }
      if (tombstone && version == null) {
        throw new KvException(
            ErrorCode.INVALID_REQUEST, "a line with \"deleted\":true needs field 'version'");
      }
      if (!tombstone && value == null) {
        throw new KvException(ErrorCode.MISSING_VALUE, "field 'value' is required");
      }
      if (tombstone && expiresAt != null) {
        throw new KvException(
            ErrorCode.INVALID_REQUEST, "a line with \"deleted\":true has no 'expiresAt'");
      }
    }
    return new RecordLine(
        key,
        value,
        version == null ? 0 : version,
        writer == null ? 0 : (int) (long) writer,
        expiresAt == null ? 0 : expiresAt);
  }

  private static long readWriter(JsonParser p, JsonToken t) throws IOException {
    boolean fits =
        t == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            && p.getLongValue() >= 0
            && p.getLongValue() <= 0xFFFF_FFFFL;
    if (!fits) {
      String was = t == JsonToken.VALUE_NUMBER_INT ? p.getText() : describe(t);
      throw new KvException(
          ErrorCode.INVALID_REQUEST,
          "field 'writer' must be a whole number in 0..4294967295 (was " + was + ")");
    }
    return p.getLongValue();
  }

  private static KvException twice(String field) {
    return KvException.invalidJson("field '" + field + "' appears twice");
  }

  private static long readVersion(JsonParser p, JsonToken t) throws IOException {
    boolean fits =
        t == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            && p.getLongValue() > 0;
    if (!fits) {
      String was = t == JsonToken.VALUE_NUMBER_INT ? p.getText() : describe(t);
      throw new KvException(
          ErrorCode.INVALID_REQUEST,
          "field 'version' must be a positive 64-bit integer (was " + was + ")");
    }
    return p.getLongValue();
  }

  /**
   * Parses a body that is one bare JSON value (the body of {@code PUT /kv/{key}}) and returns it
   * compacted: {@code body} itself when it was compact already ({@link CompactJson}).
   */
  public static byte[] parseBareValue(byte[] body, ValueLimits limits) {
    if (body.length <= limits.maxValueBytes() && CompactJson.isCompact(body, limits.maxDepth())) {
      return body;
    }
    try (JsonParser p = parser(body)) {
      if (p.nextToken() == null) {
        throw new KvException(ErrorCode.MISSING_VALUE, "request body must be a JSON value");
      }
      byte[] value = copyValue(p, limits);
      expectEnd(p);
      return value;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new KvException(ErrorCode.INTERNAL, "could not read request body", e);
    }
  }

  /**
   * Checks that {@code json} is one complete JSON value within the limits; returns it compacted.
   */
  public static byte[] compactValue(byte[] json, ValueLimits limits) {
    return parseBareValue(json, limits);
  }

  /** The JSON string literal for {@code s}, with its quotes, as UTF-8 bytes. */
  public static byte[] quote(String s) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    System.arraycopy(inner, 0, out, 1, inner.length);
    out[out.length - 1] = '"';
    return out;
  }

  /**
   * A parser over {@code json} once its bytes are known to be well-formed UTF-8 (RFC 8259 requires
   * it). Jackson alone would decode an overlong {@code C0 AF} in a key to {@code /} and store it
   * under the wrong key, and pass surrogates and code points above U+10FFFF into values.
   */
  private static JsonParser parser(byte[] json) throws IOException {
    int bad = Utf8.firstInvalid(json, 0, json.length);
    if (bad >= 0) {
      throw KvException.invalidJson(
          "malformed UTF-8 ("
              + Utf8.describeInvalid(json, bad)
              + "): JSON text must be well-formed UTF-8");
    }
    return FACTORY.createParser(json);
  }

  private static String readKey(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw KvException.invalidKey("field 'key' must be a string (was " + describe(t) + ")");
    }
    return p.getText();
  }

  private static void expectObjectStart(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) throw KvException.invalidJson("request body is empty");
    if (first != JsonToken.START_OBJECT) {
      throw KvException.invalidJson(
          "request body must be a JSON object (was " + describe(first) + ")");
    }
  }

  private static void expectEnd(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw KvException.invalidJson("unexpected data after the JSON value");
    }
  }

  /** Copies the value at the parser's current token, token by token, enforcing size and depth. */
  private static byte[] copyValue(JsonParser p, ValueLimits limits) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    int depth = 0;
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      JsonToken t = p.currentToken();
      do {
        switch (t) {
          case START_OBJECT -> {
            if (++depth > limits.maxDepth()) throw tooDeep(limits);
            g.writeStartObject();
          }
          case START_ARRAY -> {
            if (++depth > limits.maxDepth()) throw tooDeep(limits);
            g.writeStartArray();
          }
          case END_OBJECT -> {
            depth--;
            g.writeEndObject();
          }
          case END_ARRAY -> {
            depth--;
            g.writeEndArray();
          }
          case FIELD_NAME -> g.writeFieldName(p.currentName());
          case VALUE_STRING ->
              g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
          case VALUE_TRUE -> g.writeBoolean(true);
          case VALUE_FALSE -> g.writeBoolean(false);
          case VALUE_NULL -> g.writeNull();
          default -> throw KvException.invalidJson("unexpected token " + t);
        }
        if (out.size() > limits.maxValueBytes()) throw tooLarge(limits);
        if (depth == 0) break;
        t = p.nextToken();
        if (t == null) throw KvException.invalidJson("unexpected end of JSON input");
      } while (true);
    }
    if (out.size() > limits.maxValueBytes()) throw tooLarge(limits);
    return out.toByteArray();
  }

  private static KvException tooDeep(ValueLimits limits) {
    return new KvException(
        ErrorCode.INVALID_VALUE, "value nests deeper than " + limits.maxDepth() + " levels");
  }

  private static KvException tooLarge(ValueLimits limits) {
    return new KvException(
        ErrorCode.VALUE_TOO_LARGE,
        "value is larger than the limit of " + limits.maxValueBytes() + " bytes");
  }

  private static KvException malformed(JsonProcessingException e) {
    return KvException.invalidJson("malformed JSON: " + e.getOriginalMessage());
  }

  private static String describe(JsonToken t) {
    if (t == null) return "nothing";
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString();
    };
  }
}
