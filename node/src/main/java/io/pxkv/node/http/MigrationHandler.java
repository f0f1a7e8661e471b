package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.KeyStamp;
import io.pxkv.common.kv.KvJson.RecordLine;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.Stamp;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The internal writes of moves between nodes (docs/API.md, "Internal calls"). Each keeps one
 * correctness rule of a move:
 *
 * <ul>
 *   <li>{@code POST /internal/import}, JSON lines {@code
 *       {"key":K,"value":V,"version":N,"writer":W}} or {@code
 *       {"key":K,"deleted":true,"version":N,"writer":W}}: each line is {@link
 *       StorageEngine#importRecord}, so a moved copy is stored with its own version and writer and
 *       never overwrites a newer write or delete, while a key handed off earlier can come back.
 *       Answers {@code {"imported":a,"skipped":b}}.
 *   <li>{@code POST /internal/handoff}, JSON lines {@code {"key":K,"version":N,"writer":W}}: each
 *       line is {@link StorageEngine#handoff}, so the old node lets a key go only if it was not
 *       written since it was copied. Answers {@code {"handedOff":a,"skipped":b}}.
 *   <li>{@code POST /internal/tombstone}, body {@code {"key":K}}: {@link StorageEngine#tombstone},
 *       a delete that also blocks a later import of an older copy. Answers {@code
 *       {"key":K,"existed":bool,"version":N,"previous":{"version":N,"writer":W,"deleted":bool}}}.
 * </ul>
 *
 * <p>Every write carries the request's epoch tag ({@link ViewHeaders#epochOf}). Line bodies are
 * streamed with a bounded number of writes in flight ({@link JsonLinesReader}); a bad line stops
 * the call with a 400 naming its line number, after every line before it was applied. Repeating an
 * import or a handoff changes nothing more; a repeated tombstone writes a newer tombstone. Runs on
 * an event loop; storage goes through {@link StorageService}; errors go to {@link ErrorResponses}.
 */
public final class MigrationHandler {
  private final StorageService storage;
  private final ValueLimits limits;

  public MigrationHandler(StorageService storage, ValueLimits limits) {
    this.storage = storage;
    this.limits = limits;
  }

  /** {@code POST /internal/import}. */
  public void importLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> importable(KvJson.parseRecordLine(line, limits)),
            (RecordLine l) ->
                storage.importRecord(l.key(), l.value(), l.version(), l.writer(), epoch))
        .onSuccess(c -> counts(request, "imported", c))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /** {@code POST /internal/handoff}. */
  public void handoffLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            KvJson::parseKeyStampLine,
            (KeyStamp l) -> storage.handoff(l.key(), l.version(), l.writer(), epoch))
        .onSuccess(c -> counts(request, "handedOff", c))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /** {@code POST /internal/tombstone}. */
  public void tombstone(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    BodyReader.read(request, limits.maxBodyBytes())
        .map(body -> KvJson.parseKeyBody(body.getBytes()))
        .compose(key -> storage.tombstone(key, epoch).map(r -> tombstoned(key, r)))
        .onSuccess(body -> KvResponses.json(request.response(), 200, body))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  /** A line whose version the engine would refuse is a bad line, not a failed write. */
  static RecordLine importable(RecordLine l) {
    if (!StorageEngine.isImportableVersion(l.version())) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST,
          "field 'version' must be at most "
              + StorageEngine.MAX_VERSION
              + " (was "
              + l.version()
              + ")");
    }
    return l;
  }

  private static Buffer tombstoned(String key, TombstoneResult r) {
    Buffer body =
        Buffer.buffer()
            .appendString("{\"key\":")
            .appendBytes(KvJson.quote(key))
            .appendString(",\"existed\":")
            .appendString(Boolean.toString(r.existed()))
            .appendString(",\"version\":")
            .appendString(Long.toString(r.version()));
    if (r.previous().isPresent()) {
      Stamp p = r.previous().get();
      body.appendString(",\"previous\":{\"version\":")
          .appendString(Long.toString(p.version()))
          .appendString(",\"writer\":")
          .appendString(Long.toString(WriteOrder.writerJson(p.writer())))
          .appendString(",\"deleted\":")
          .appendString(Boolean.toString(p.deleted()))
          .appendString("}");
    }
    return body.appendString("}");
  }

  private static void counts(HttpServerRequest request, String done, JsonLinesReader.Counts c) {
    Buffer body = new JsonObject().put(done, c.applied()).put("skipped", c.skipped()).toBuffer();
    KvResponses.json(request.response(), 200, body);
  }
}
