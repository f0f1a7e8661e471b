package io.pxkv.common.kv;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of {@code POST /internal/put-batch}, the router's way to hand a node several
 * waiting PUTs in one request. Each entry is one client PUT exactly as the client sent it, and each
 * answer is the status and JSON body the node would have sent for that PUT alone, so the router
 * passes answers on unchanged. Length-prefixed binary, because the values are opaque bytes here
 * (the node checks them) and nothing needs to escape or re-parse them in transit.
 *
 * <pre>
 * request:  entry*   entry  = form:u8  keyLength:i32  key:UTF-8  [ttl:i64, form PATH_TTL only]
 *                             bodyLength:i32  body
 * answer:   answer*  answer = status:i32  bodyLength:i32  body (JSON)
 * </pre>
 *
 * {@code form} says which PUT the client made: {@link Form#PATH} ({@code PUT /kv/{key}}, the body
 * is the bare value) or {@link Form#BODY} ({@code PUT /kv}, the body is {@code
 * {"key":K,"value":V}}; the key field is the key the router read from it, for routing only), or
 * {@link Form#PATH_TTL} ({@code PUT /kv/{key}?ttl=SECONDS}: as PATH, with the ttl the router
 * checked, since the batch does not carry the client's query). A ttl in a BODY entry stays in its
 * body. Answers come in the order of the entries.
 */
public final class PutBatch {
  public static final String PATH = "/internal/put-batch";
  public static final String CONTENT_TYPE = "application/x-pxkv-put-batch";

  /** A node refuses a larger batch with {@code 413}; the router never builds one. */
  public static final int MAX_BATCH_BYTES = 1 << 20;

  /** Larger PUTs are sent on their own: batching them saves little and delays the others. */
  public static final int MAX_ENTRY_BYTES = 64 << 10;

  /** Entries per batch at most, so one batch's answer does not wait on too many writes. */
  public static final int MAX_ENTRIES = 256;

  private PutBatch() {}

  /** Which client PUT an entry carries. */
  public enum Form {
    PATH,
    BODY,
    PATH_TTL
  }

  /** {@code ttl}: seconds, PATH_TTL only (0 otherwise). */
  public record Entry(Form form, String key, byte[] body, long ttl) {
    public Entry(Form form, String key, byte[] body) {
      this(form, key, body, 0);
    }
  }

  public record Answer(int status, Buffer body) {}

  /** Bytes {@code entry} takes in a request (8 more for a PATH_TTL one). */
  public static int entrySize(byte[] key, int bodyLength) {
    return 1 + 4 + key.length + 4 + bodyLength;
  }

  /** Appends one entry to a request being built. */
  public static Buffer appendEntry(Buffer request, Form form, byte[] key, Buffer body) {
    return appendEntry(request, form, key, 0, body);
  }

  /** Appends one entry; {@code ttl} is written for a PATH_TTL entry only. */
  public static Buffer appendEntry(Buffer request, Form form, byte[] key, long ttl, Buffer body) {
    request.appendByte((byte) form.ordinal()).appendInt(key.length).appendBytes(key);
    if (form == Form.PATH_TTL) request.appendLong(ttl);
    return request.appendInt(body.length()).appendBuffer(body);
  }

  /** Reads a request; a malformed one is {@code 400 invalid_request} naming what is wrong. */
  public static List<Entry> decodeEntries(Buffer request) {
    List<Entry> entries = new ArrayList<>();
    int at = 0;
    while (at < request.length()) {
      int n = entries.size();
      need(request, at, 5, n);
      int formByte = request.getByte(at);
      if (formByte < 0 || formByte >= Form.values().length) {
        throw malformed("entry " + n + " has an unknown form " + formByte);
      }
      int keyLength = request.getInt(at + 1);
      at += 5;
      need(request, at, keyLength, n);
      String key = Utf8.decodeStrict(request.getBytes(at, at + keyLength));
      if (key == null) throw malformed("the key of entry " + n + " is not UTF-8");
      at += keyLength;
      Form form = Form.values()[formByte];
      long ttl = 0;
      if (form == Form.PATH_TTL) {
        need(request, at, 8, n);
        ttl = request.getLong(at);
        at += 8;
      }
      need(request, at, 4, n);
      int bodyLength = request.getInt(at);
      at += 4;
      need(request, at, bodyLength, n);
      entries.add(new Entry(form, key, request.getBytes(at, at + bodyLength), ttl));
      at += bodyLength;
    }
    return entries;
  }

  /** Appends one answer to a response being built. */
  public static Buffer appendAnswer(Buffer response, int status, Buffer body) {
    return response.appendInt(status).appendInt(body.length()).appendBuffer(body);
  }

  /**
   * Reads a response; throws {@link IllegalArgumentException} if it is not {@code count} answers.
   */
  public static List<Answer> decodeAnswers(Buffer response, int count) {
    List<Answer> answers = new ArrayList<>(count);
    int at = 0;
    while (at < response.length()) {
      if (at + 8 > response.length()) throw new IllegalArgumentException("an answer is cut short");
      int status = response.getInt(at);
      int length = response.getInt(at + 4);
      at += 8;
      if (length < 0 || length > response.length() - at) {
        throw new IllegalArgumentException("an answer's body is cut short");
      }
      answers.add(new Answer(status, response.getBuffer(at, at + length)));
      at += length;
    }
    if (answers.size() != count) {
      throw new IllegalArgumentException(answers.size() + " answers for " + count + " PUTs");
    }
    return answers;
  }

  private static void need(Buffer request, int at, int length, int entry) {
    if (length < 0 || length > request.length() - at) {
      throw malformed("entry " + entry + " is cut short");
    }
  }

  private static KvException malformed(String what) {
    return new KvException(ErrorCode.INVALID_REQUEST, "malformed put batch: " + what);
  }
}
