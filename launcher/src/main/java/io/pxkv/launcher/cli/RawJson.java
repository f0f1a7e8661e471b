package io.pxkv.launcher.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parts of a JSON text as the text they are, not re-encoded: a value is printed exactly as the
 * router returned it, which is exactly as it was stored ({@code 1.10} stays {@code 1.10}, a number
 * beyond a double's precision keeps its digits). A part runs from its first character to just
 * before the next token, less the separating comma and whitespace.
 */
final class RawJson {
  private static final JsonFactory JSON = new JsonFactory();

  private RawJson() {}

  /** The text of member {@code name} of the top-level object {@code json}, or null. */
  static String member(String json, String name) throws CliException {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, JsonToken.START_OBJECT);
      JsonToken t = p.nextToken();
      while (t == JsonToken.FIELD_NAME) {
        boolean wanted = p.currentName().equals(name);
        p.nextToken();
        long start = p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        t = p.nextToken();
        if (wanted) return slice(json, start, p.currentTokenLocation().getCharOffset());
      }
      return null;
    } catch (IOException e) {
      throw CliException.failure("the router answered JSON that does not parse: " + e.getMessage());
    }
  }

  /** The texts of the elements of the array member {@code name} of {@code json}. */
  static List<String> elements(String json, String name) throws CliException {
    String array = member(json, name);
    List<String> out = new ArrayList<>();
    if (array == null) return out;
    try (JsonParser p = JSON.createParser(array)) {
      expect(p, JsonToken.START_ARRAY);
      JsonToken t = p.nextToken();
      while (t != JsonToken.END_ARRAY && t != null) {
        long start = p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        t = p.nextToken();
        out.add(slice(array, start, p.currentTokenLocation().getCharOffset()));
      }
      return out;
    } catch (IOException e) {
      throw CliException.failure("the router answered JSON that does not parse: " + e.getMessage());
    }
  }

  private static void expect(JsonParser p, JsonToken token) throws IOException {
    if (p.nextToken() != token) throw new IOException("expected " + token.asString());
  }

  private static String slice(String json, long start, long end) {
    String s = json.substring((int) start, (int) end).strip();
    if (s.endsWith(",")) s = s.substring(0, s.length() - 1).strip();
    return s;
  }
}
