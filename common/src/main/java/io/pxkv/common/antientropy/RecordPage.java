package io.pxkv.common.antientropy;

import io.pxkv.common.kv.RecordBatch;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The answer of {@code POST /internal/digest/records}: where the next page starts, then the records
 * as a {@link RecordBatch}. The cursor comes first as a 4-byte length and the key's UTF-8 bytes
 * (length -1: the walk reached the end, there is no next page).
 *
 * @param next the last key the node's walk passed, the {@code after} of the next page; null at the
 *     end
 * @param records the page's records, values and tombstones, in key order
 */
public record RecordPage(String next, List<RecordBatch.Entry> records) {
  public static final String CONTENT_TYPE = "application/x-pxkv-record-page";

  /** A body whose records ({@code batch}, a {@link RecordBatch}) follow the cursor. */
  public static Buffer encode(String next, Buffer batch) {
    Buffer body = Buffer.buffer(batch.length() + 64);
    if (next == null) {
      body.appendInt(-1);
    } else {
      byte[] key = next.getBytes(StandardCharsets.UTF_8);
      body.appendInt(key.length).appendBytes(key);
    }
    return body.appendBuffer(batch);
  }

  /** Reads a body; a malformed one throws {@link IllegalArgumentException}. */
  public static RecordPage decode(Buffer body) {
    if (body.length() < 4) throw new IllegalArgumentException("a record page needs a cursor");
    int n = body.getInt(0);
    String next = null;
    int at = 4;
    if (n >= 0) {
      if (n > body.length() - 4) throw new IllegalArgumentException("the cursor is cut short");
      try {
        next =
            StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(body.getBytes(4, 4 + n)))
                .toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("the cursor is not UTF-8");
      }
      at += n;
    }
    try {
      return new RecordPage(next, RecordBatch.decode(body.getBuffer(at, body.length())));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad records: " + e.getMessage(), e);
    }
  }
}
