package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.KeyStamp;
import io.pxkv.common.kv.KvJson.RecordLine;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.Stamp;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    if (RecordBatch.CONTENT_TYPE.equals(request.getHeader(Headers.CONTENT_TYPE))) {
      importBatch(request, epoch);
      return;
    }
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> importable(KvJson.parseRecordLine(line, limits)),
            (RecordLine l) ->
                storage.expired(l.expiresAt())
                    ? Future.succeededFuture(false) // expired on its way: never moved in
                    : storage.importRecord(
                        l.key(), l.value(), l.version(), l.writer(), l.expiresAt(), epoch))
        .onSuccess(c -> counts(request, "imported", c))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /**
   * {@code POST /internal/import} with a binary body ({@link RecordBatch}), as nodes send each
   * other when they move keys: every record is checked (key rules, the value a JSON value within
   * the limits, the version importable) before any is written, then all are queued at once. A bad
   * record refuses the whole body ({@code 400}, naming it) and stores nothing.
   */
  private void importBatch(HttpServerRequest request, long epoch) {
    BodyReader.read(request, RecordBatch.MAX_BATCH_BYTES)
        .map(body -> checked(RecordBatch.decode(body)))
        .compose(
            records -> {
              // A value that expired on its way is never moved in: counted as skipped.
              List<StoredRecord> live =
                  records.stream().filter(r -> !storage.expired(r.expiresAt())).toList();
              long expired = records.size() - live.size();
              return storage.importAll(live, epoch).map(outcomes -> Map.entry(expired, outcomes));
            })
        .onSuccess(
            done -> {
              var outcomes = done.getValue();
              long imported = 0;
              long skipped = done.getKey();
              for (var o : outcomes) {
                if (o.failed()) {
                  ErrorResponses.send(request.response(), o.cause());
                  return;
                }
                if (o.result()) imported++;
                else skipped++;
              }
              JsonResponses.send(
                  request.response(),
                  200,
                  new JsonObject().put("imported", imported).put("skipped", skipped).toBuffer());
            })
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private List<StoredRecord> checked(List<RecordBatch.Entry> entries) {
    List<StoredRecord> records = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      RecordBatch.Entry e = entries.get(i);
      try {
        KeyRules.validate(e.key());
        byte[] value = e.value() == null ? null : KvJson.compactValue(e.value(), limits);
        if (!StorageEngine.isImportableVersion(e.version()) || e.version() < 1) {
          throw new KvException(
              ErrorCode.INVALID_REQUEST,
              "version must be 1.." + StorageEngine.MAX_VERSION + " (was " + e.version() + ")");
        }
        records.add(
            value == null
                ? new StoredRecord(e.key(), null, e.version(), e.writer())
                : StoredRecord.expiring(e.key(), value, e.version(), e.writer(), e.expiresAt()));
      } catch (KvException bad) {
        throw new KvException(bad.code(), "record " + i + ": " + bad.getMessage());
      }
    }
    return records;
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
        .onSuccess(body -> JsonResponses.send(request.response(), 200, body))
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
    JsonResponses.send(request.response(), 200, body);
  }
}
