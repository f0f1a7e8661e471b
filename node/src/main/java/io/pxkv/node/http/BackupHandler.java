package io.pxkv.node.http;

import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.RecordLine;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Backup and restore of one node as JSON lines, one {@code {"key":K,"value":V,"version":N,
 * "writer":W}} per line, with {@code "expiresAt":"<RFC 3339 UTC>"} for a key that expires. {@code
 * GET /admin/export} streams every live pair in UTF-8 key order with backpressure; {@code POST
 * /admin/import} reads lines as they arrive and stores each, with a bounded number of writes in
 * flight ({@link JsonLinesReader}), so neither side holds the whole data set in memory.
 *
 * <p>Import applies lines in order and stops at the first bad one, answering 400 with its line
 * number once every line before it is stored. A line with a {@code version} is imported keeping its
 * version and writer ({@code importRecord}): it is skipped when the node holds a newer write or
 * delete of the key, so a restore never undoes a later write; {@code {"key":K,"deleted":true,
 * "version":N}} restores a delete the same way. A line without a version is an ordinary PUT. Either
 * way running the same import again is harmless. A line's {@code expiresAt} is kept; a line that
 * has expired by the node's clock is skipped, never restored. Answers {@code
 * {"imported":a,"skipped":b}}.
 */
public final class BackupHandler {
  private static final int EXPORT_BATCH = 1000;

  private final StorageService storage;
  private final ValueLimits limits;

  public BackupHandler(StorageService storage, ValueLimits limits) {
    this.storage = storage;
    this.limits = limits;
  }

  public void export(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON);
    EntryStream.start(storage, response, EXPORT_BATCH, BackupHandler::lines, Buffer.buffer());
  }

  private static Buffer lines(List<Entry> entries, boolean first) {
    Buffer chunk = Buffer.buffer(entries.size() * 64);
    for (Entry e : entries) {
      chunk
          .appendString("{\"key\":")
          .appendBytes(KvJson.quote(e.key()))
          .appendString(",\"value\":")
          .appendBytes(e.value())
          .appendString(",\"version\":")
          .appendString(Long.toString(e.version()))
          .appendString(",\"writer\":")
          .appendString(Long.toString(WriteOrder.writerJson(e.writer())));
      KvResponses.appendExpiresAt(chunk, e.expiresAt()).appendString("}\n");
    }
    return chunk;
  }

  public void importLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> MigrationHandler.importable(KvJson.parseRestoreLine(line, limits)),
            (RecordLine l) -> {
              if (storage.expired(l.expiresAt())) return Future.succeededFuture(false);
              return l.version() == 0
                  ? storage.put(l.key(), l.value(), l.expiresAt(), epoch).map(true)
                  : storage.importRecord(
                      l.key(), l.value(), l.version(), l.writer(), l.expiresAt(), epoch);
            })
        .onSuccess(
            counts ->
                JsonResponses.send(
                    request.response(),
                    200,
                    new JsonObject()
                        .put("imported", counts.applied())
                        .put("skipped", counts.skipped())
                        .toBuffer()))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }
}
