package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
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
import io.vertx.core.parsetools.RecordParser;

/**
 * Backup and restore of one node as JSON lines, one {@code {"key":K,"value":V,"version":N}} per
 * line. {@code GET /admin/export} streams every live pair in key order with backpressure; {@code
 * POST /admin/import} reads lines as they arrive and stores each, with a bounded number of writes
 * in flight (the request is paused while the writer catches up), so neither side holds the whole
 * data set in memory.
 *
 * <p>Import applies lines in order and stops at the first bad one, answering 400 with its line
 * number and how many lines were stored before it; every stored line is an ordinary PUT, so running
 * the same import again is harmless.
 */
public final class BackupHandler {
  private static final int EXPORT_BATCH = 1000;
  private static final int MAX_WRITES_IN_FLIGHT = 256;

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
    exportFrom(response, null);
  }

  private void exportFrom(HttpServerResponse response, String after) {
    storage
        .scan("", after, EXPORT_BATCH)
        .onSuccess(
            entries -> {
              if (response.closed()) return;
              Buffer chunk = Buffer.buffer(entries.size() * 64);
              for (Entry e : entries) {
                chunk.appendString("{\"key\":")
                    .appendBytes(KvJson.quote(e.key()))
                    .appendString(",\"value\":")
                    .appendBytes(e.value())
                    .appendString(",\"version\":")
                    .appendString(Long.toString(e.version()))
                    .appendString("}\n");
              }
              if (entries.size() < EXPORT_BATCH) {
                response.end(chunk);
                return;
              }
              String last = entries.get(entries.size() - 1).key();
              response.write(chunk);
              if (response.writeQueueFull()) {
                response.drainHandler(v -> exportFrom(response, last));
              } else {
                exportFrom(response, last);
              }
            })
        .onFailure(t -> response.reset());
  }

  public void importLines(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    new Import(request).start();
  }

  /** One running import: counts lines, limits writes in flight, answers once. */
  private final class Import {
    private final HttpServerRequest request;
    private final RecordParser lines;
    private long lineNumber;
    private long stored;
    private int inFlight;
    private boolean ended;
    private boolean answered;

    Import(HttpServerRequest request) {
      this.request = request;
      this.lines = RecordParser.newDelimited("\n", request);
      lines.maxRecordSize((int) Math.min(Integer.MAX_VALUE, limits.maxBodyBytes()));
    }

    void start() {
      lines.handler(this::line);
      // The parser's only failure of its own is a line over the size limit.
      lines.exceptionHandler(
          t ->
              fail(
                  new KvException(
                      ErrorCode.BODY_TOO_LARGE,
                      "line " + (lineNumber + 1) + " is longer than " + limits.maxBodyBytes() + " bytes")));
      lines.endHandler(
          v -> {
            ended = true;
            finishIfDone();
          });
    }

    private void line(Buffer raw) {
      if (answered) return;
      lineNumber++;
      if (raw.length() == 0 || raw.toString().isBlank()) return;
      KvJson.PutBody put;
      try {
        put = KvJson.parsePutBody(raw.getBytes(), limits);
      } catch (KvException e) {
        fail(new KvException(e.code(), "line " + lineNumber + ": " + e.getMessage() + " (" + stored + " lines stored before it)"));
        return;
      }
      inFlight++;
      if (inFlight >= MAX_WRITES_IN_FLIGHT) lines.pause();
      storage
          .put(put.key(), put.value())
          .onSuccess(
              r -> {
                stored++;
                inFlight--;
                if (inFlight < MAX_WRITES_IN_FLIGHT / 2 && !answered) lines.resume();
                finishIfDone();
              })
          .onFailure(this::fail);
    }

    private void finishIfDone() {
      if (ended && inFlight == 0 && !answered) {
        answered = true;
        Buffer body = new JsonObject().put("imported", stored).toBuffer();
        KvResponses.json(request.response(), 200, body);
      }
    }

    private void fail(Throwable t) {
      if (answered) return;
      answered = true;
      // The rest of the body is not read: the connection cannot carry another request.
      request.response().putHeader(Headers.CONNECTION, "close");
      ErrorResponses.send(request.response(), t);
    }
  }
}
