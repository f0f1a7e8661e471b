package io.pxkv.node.http;

import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Backup and restore of one node as JSON lines, one {@code {"key":K,"value":V,"version":N}} per
 * line. {@code GET /admin/export} streams every live pair in key order with backpressure; {@code
 * POST /admin/import} reads lines as they arrive and stores each, with a bounded number of writes
 * in flight ({@link JsonLinesReader}), so neither side holds the whole data set in memory.
 *
 * <p>Import applies lines in order and stops at the first bad one, answering 400 with its line
 * number once every line before it is stored; every stored line is an ordinary PUT, so running the
 * same import again is harmless.
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
          .appendString("}\n");
    }
    return chunk;
  }

  public void importLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> KvJson.parsePutBody(line, limits),
            put -> storage.put(put.key(), put.value()).map(true))
        .onSuccess(
            counts ->
                KvResponses.json(
                    request.response(),
                    200,
                    new JsonObject().put("imported", counts.applied()).toBuffer()))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }
}
