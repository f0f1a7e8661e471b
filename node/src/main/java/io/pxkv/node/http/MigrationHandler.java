package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.KeyVersion;
import io.pxkv.common.kv.KvJson.VersionedLine;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The internal calls the router makes while keys move between nodes (docs/API.md, "Internal calls
 * used by rebalancing"). Each keeps one correctness rule of a move:
 *
 * <ul>
 *   <li>{@code POST /internal/import}, JSON lines {@code {"key":K,"value":V,"version":N}}: each
 *       line is {@link StorageEngine#putIfNewer}, so a moved older copy never overwrites a newer
 *       write or a tombstone. Answers {@code {"imported":a,"skipped":b}}.
 *   <li>{@code POST /internal/remove}, JSON lines {@code {"key":K,"version":N}}: each line is
 *       {@link StorageEngine#deleteIfVersion}, so the old node drops a copy only if it was not
 *       overwritten since it was read. Answers {@code {"removed":a,"skipped":b}}.
 *   <li>{@code POST /internal/tombstone}, body {@code {"key":K}}: {@link StorageEngine#tombstone},
 *       a delete that also blocks a later import of an older copy. Answers {@code
 *       {"key":K,"existed":bool,"version":N}} with the tombstone's version.
 * </ul>
 *
 * <p>Line bodies are streamed with a bounded number of writes in flight ({@link JsonLinesReader});
 * a bad line stops the call with a 400 naming its line number, after every line before it was
 * applied. Every call is idempotent in effect: repeating an import or a remove changes nothing
 * more, and a repeated tombstone only writes a newer tombstone. Runs on an event loop; storage goes
 * through {@link StorageService}; errors go to {@link ErrorResponses}.
 */
public final class MigrationHandler {
  private final StorageService storage;
  private final ValueLimits limits;

  public MigrationHandler(StorageService storage, ValueLimits limits) {
    this.storage = storage;
    this.limits = limits;
  }

  /**
   * {@code POST /internal/import[?since=V]}. Tombstones older than {@code since} (the version clock
   * reading when the rebalance began) do not block an import: they are keys that left this node in
   * an earlier move, coming back now.
   */
  public void importLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long since = sinceParam(request);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            this::parseImportLine,
            (VersionedLine l) -> storage.putIfNewer(l.key(), l.value(), l.version(), since))
        .onSuccess(c -> counts(request, "imported", c))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  private static long sinceParam(HttpServerRequest request) {
    String raw = request.getParam("since");
    if (raw == null) return 0;
    try {
      long since = Long.parseLong(raw);
      if (since >= 0) return since;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new KvException(
        ErrorCode.INVALID_REQUEST,
        "since must be a version, a whole number >= 0 (was '" + raw + "')");
  }

  /** {@code POST /internal/remove}. */
  public void removeLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            KvJson::parseKeyVersionLine,
            (KeyVersion l) -> storage.deleteIfVersion(l.key(), l.version()))
        .onSuccess(c -> counts(request, "removed", c))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /**
   * {@code POST /internal/clock}: {@code {"version":N}}, a version between every write so far and
   * every later one (a rebalance's {@code since}). A POST, since each call consumes a version.
   */
  public void clock(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long reading = storage.engine().clockReading();
    KvResponses.json(request.response(), 200, new JsonObject().put("version", reading).toBuffer());
  }

  /** {@code POST /internal/tombstone}. */
  public void tombstone(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, limits.maxBodyBytes())
        .map(body -> KvJson.parseKeyBody(body.getBytes()))
        .compose(key -> storage.tombstone(key).map(r -> tombstoned(key, r)))
        .onSuccess(body -> KvResponses.json(request.response(), 200, body))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private VersionedLine parseImportLine(byte[] line) {
    VersionedLine l = KvJson.parseVersionedLine(line, limits);
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
    return Buffer.buffer()
        .appendString("{\"key\":")
        .appendBytes(KvJson.quote(key))
        .appendString(",\"existed\":")
        .appendString(Boolean.toString(r.existed()))
        .appendString(",\"version\":")
        .appendString(Long.toString(r.version()))
        .appendString("}");
  }

  private static void counts(HttpServerRequest request, String done, JsonLinesReader.Counts c) {
    Buffer body = new JsonObject().put(done, c.applied()).put("skipped", c.skipped()).toBuffer();
    KvResponses.json(request.response(), 200, body);
  }
}
