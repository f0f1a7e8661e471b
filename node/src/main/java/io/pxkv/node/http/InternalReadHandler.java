package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KeyGlob;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The internal reads a router makes while keys move (docs/API.md, "Internal calls"): a key's
 * record, including a tombstone still held, with the version and writer of its write, so the router
 * can tell which of several holders has the newest write of a key.
 *
 * <ul>
 *   <li>{@code GET /internal/read?key=K}: {@code 200 {"key":K,"value":V,"version":N,"writer":W}};
 *       {@code 404 {"error":"not_found","message":..,"deleted":true,"version":N,"writer":W}} for a
 *       held tombstone; a plain {@code 404} when absent.
 *   <li>{@code GET /internal/scan?prefix=P&after=A&limit=N&deleted=1}: {@code application/x-ndjson}
 *       lines of records in UTF-8 key order after A (exclusive), with held tombstones and handoff
 *       markers ({@code {"key":K,"handedOff":true,"version":N,"writer":W}}: the key left this node
 *       with that write) when {@code deleted=1}; without {@code limit} the whole rest, streamed in
 *       batches with backpressure. {@code match=GLOB} keeps only keys matching the glob (its values
 *       are read only for those), so a sparse glob costs a walk of the keys in memory.
 * </ul>
 *
 * Runs on an event loop; reads go to the {@code kv-read} pool through {@link StorageService}.
 */
public final class InternalReadHandler {
  /** Records read from storage at a time while streaming a scan. */
  static final int SCAN_BATCH = 1000;

  private final StorageService storage;

  public InternalReadHandler(StorageService storage) {
    this.storage = storage;
  }

  /**
   * The 404 of a key deleted here whose tombstone is still held: {@code
   * {"error":"not_found","message":..,"deleted":true,"version":N,"writer":W}}, the version and
   * writer last, where a router reads them.
   */
  static Buffer deletedBody(StoredRecord r) {
    String message = KvException.notFound(r.key()).getMessage() + " (deleted)";
    return Buffer.buffer()
        .appendString("{\"error\":")
        .appendBytes(KvJson.quote(ErrorCode.NOT_FOUND.code()))
        .appendString(",\"message\":")
        .appendBytes(KvJson.quote(message))
        .appendString(",\"deleted\":true,\"version\":")
        .appendString(Long.toString(r.version()))
        .appendString(",\"writer\":")
        .appendString(Long.toString(WriteOrder.writerJson(r.writer())))
        .appendString("}");
  }

  /** {@code GET /internal/read}. */
  public void read(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    String key = param(request, "key");
    KeyRules.validate(key);
    storage
        .readRecord(key)
        .onSuccess(found -> answerRead(request, key, found))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private static void answerRead(
      HttpServerRequest request, String key, Optional<StoredRecord> found) {
    if (found.isEmpty()) {
      ErrorResponses.send(request.response(), KvException.notFound(key));
    } else if (found.get().deleted()) {
      JsonResponses.send(request.response(), 404, deletedBody(found.get()));
    } else {
      JsonResponses.send(
          request.response(), 200, KvResponses.appendRecord(Buffer.buffer(), found.get()));
    }
  }

  /** {@code GET /internal/scan}. */
  public void scan(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    String prefix = boundedKeyText(request, "prefix");
    String after = boundedKeyText(request, "after");
    long limit = limitParam(request);
    boolean deleted = deletedParam(request);
    String match = param(request, "match");
    Predicate<String> keys = match == null ? null : KeyGlob.parse(match)::matches;
    streamFrom(request.response(), prefix == null ? "" : prefix, after, limit, deleted, keys);
  }

  /** Streams up to {@code left} more records after {@code after}, a batch at a time. */
  private void streamFrom(
      HttpServerResponse response,
      String prefix,
      String after,
      long left,
      boolean deleted,
      Predicate<String> keys) {
    int batch = (int) Math.min(SCAN_BATCH, left);
    storage
        .scanRecords(prefix, after, batch, deleted, keys)
        .onSuccess(
            records -> {
              if (response.closed()) return;
              if (!response.headWritten() && !response.isChunked()) {
                // Only now: a failure of the first read can still be a JSON error.
                response
                    .setChunked(true)
                    .putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON);
              }
              Buffer chunk = Buffer.buffer(records.size() * 64);
              for (StoredRecord r : records)
                KvResponses.appendRecord(chunk, r).appendByte((byte) '\n');
              long rest = left - records.size();
              if (records.size() < batch || rest == 0) {
                response.end(chunk);
                return;
              }
              String last = records.get(records.size() - 1).key();
              response.write(chunk);
              if (response.writeQueueFull()) {
                response.drainHandler(v -> streamFrom(response, prefix, last, rest, deleted, keys));
              } else {
                streamFrom(response, prefix, last, rest, deleted, keys);
              }
            })
        // Before anything was written this is a JSON error; after, the connection is reset, so a
        // cut stream is never mistaken for a whole one.
        .onFailure(t -> ErrorResponses.send(response, t));
  }

  private static String param(HttpServerRequest request, String name) {
    try {
      return request.getParam(name);
    } catch (IllegalArgumentException e) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST, "the query string is not valid percent-encoding");
    }
  }

  /** A prefix or cursor: at most as long as a key may be; null when absent or empty. */
  private static String boundedKeyText(HttpServerRequest request, String name) {
    String v = param(request, name);
    if (v == null || v.isEmpty()) return null;
    if (v.length() > KeyRules.MAX_KEY_BYTES
        || v.getBytes(StandardCharsets.UTF_8).length > KeyRules.MAX_KEY_BYTES) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST,
          "parameter '" + name + "' must be at most " + KeyRules.MAX_KEY_BYTES + " UTF-8 bytes");
    }
    return v;
  }

  /** {@code limit}: a whole number >= 1; absent: no limit. */
  private static long limitParam(HttpServerRequest request) {
    String raw = param(request, "limit");
    if (raw == null) return Long.MAX_VALUE;
    try {
      long limit = Long.parseLong(raw);
      if (limit >= 1) return limit;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new KvException(
        ErrorCode.INVALID_LIMIT, "limit must be a whole number >= 1 (was '" + shorten(raw) + "')");
  }

  /** {@code deleted}: 1/true to include held tombstones and markers, 0/false or absent not to. */
  private static boolean deletedParam(HttpServerRequest request) {
    String raw = param(request, "deleted");
    if (raw == null) return false;
    return switch (raw) {
      case "1", "true" -> true;
      case "0", "false", "" -> false;
      default ->
          throw new KvException(
              ErrorCode.INVALID_REQUEST, "deleted must be 1 or 0 (was '" + shorten(raw) + "')");
    };
  }

  private static String shorten(String raw) {
    return raw.length() > 32 ? raw.substring(0, 32) + "..." : raw;
  }
}
