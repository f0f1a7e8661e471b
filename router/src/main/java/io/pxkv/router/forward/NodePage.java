package io.pxkv.router.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One page of a node's paged listing, {@code {"items":[{...},...],"cursor":C}}, read just enough to
 * count the items and find the cursor. The items are kept as the node's own bytes (a slice from the
 * first item's '{' to the last one's '}'), so values pass through exactly as stored and nothing is
 * re-encoded.
 *
 * @param items the items' JSON, comma-separated, without the brackets; empty when there are none
 * @param count how many items
 * @param cursor the node's cursor for the next page, or null on its last page
 */
record NodePage(Buffer items, int count, String cursor) {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Parses a page from {@code node}; a malformed page is {@code 503}: that node is broken. */
  static NodePage parse(Buffer body, NodeInfo node) {
    byte[] bytes = body.getBytes();
    int count = 0;
    long first = -1;
    long last = -1;
    String cursor = null;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        expect(t == JsonToken.FIELD_NAME);
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("items".equals(field)) {
          expect(value == JsonToken.START_ARRAY);
          for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            expect(item == JsonToken.START_OBJECT);
            if (first < 0) {
              first = p.currentTokenLocation().getByteOffset();
            }
            p.skipChildren();
            last = p.currentTokenLocation().getByteOffset() + 1;
            count++;
          }
        } else if ("cursor".equals(field) && value == JsonToken.VALUE_STRING) {
          cursor = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | IllegalStateException e) {
      throw new KvException(
          ErrorCode.NODE_UNAVAILABLE,
          "node " + node.id() + " (" + node.url() + ") sent a listing page that is not valid JSON");
    }
    Buffer items = count == 0 ? Buffer.buffer() : body.slice((int) first, (int) last);
    return new NodePage(items, count, cursor);
  }

  private static void expect(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("unexpected listing page shape");
    }
  }
}
