package io.pxkv.node.http;

import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Streams every live pair of a node into a chunked response, in key order, one scan batch at a time
 * and only as fast as the client reads (the next batch waits for the write queue to drain), so the
 * node never holds more than one batch. Serves {@code GET /kv} and {@code GET /admin/export}, which
 * differ only in how a batch is written.
 *
 * <p>A failure mid-stream resets the connection: a client must never mistake a cut listing for a
 * complete one. A client that hung up stops the scan.
 */
final class EntryStream {
  private final StorageService storage;
  private final HttpServerResponse response;
  private final int batchSize;
  private final BiFunction<List<Entry>, Boolean, Buffer> format;
  private final Buffer end;

  private EntryStream(
      StorageService storage,
      HttpServerResponse response,
      int batchSize,
      BiFunction<List<Entry>, Boolean, Buffer> format,
      Buffer end) {
    this.storage = storage;
    this.response = response;
    this.batchSize = batchSize;
    this.format = format;
    this.end = end;
  }

  /**
   * Writes every entry to {@code response} (chunked, its head already set), each batch as {@code
   * format(entries, isFirstBatch)}, then {@code end} and ends the response.
   */
  static void start(
      StorageService storage,
      HttpServerResponse response,
      int batchSize,
      BiFunction<List<Entry>, Boolean, Buffer> format,
      Buffer end) {
    new EntryStream(storage, response, batchSize, format, end).from(null, true);
  }

  private void from(String after, boolean first) {
    storage
        .scan("", after, batchSize)
        .onSuccess(
            entries -> {
              if (response.closed()) return;
              Buffer chunk = format.apply(entries, first);
              if (entries.size() < batchSize) {
                response.end(chunk.appendBuffer(end));
                return;
              }
              String last = entries.get(entries.size() - 1).key();
              response.write(chunk);
              if (response.writeQueueFull()) {
                response.drainHandler(v -> from(last, false));
              } else {
                from(last, false);
              }
            })
        .onFailure(t -> response.reset());
  }
}
