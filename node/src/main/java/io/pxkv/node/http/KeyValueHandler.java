package io.pxkv.node.http;

import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.Versioned;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * The {@code /kv} API of one node (CONTRACT.md): query-style, body-style and path-style calls,
 * paged and whole listing. Writes carry the request's epoch tag ({@link ViewHeaders#epochOf}) to
 * storage. Runs on an event loop; every disk touch goes through {@link StorageService}. Failures go
 * to {@link ErrorResponses}; handlers never write error statuses.
 */
public final class KeyValueHandler {
  /** Page size used when streaming the whole listing. */
  private static final int STREAM_BATCH = 1000;

  private static final Buffer CLOSE_BRACE = Buffer.buffer("}");

  private final StorageService storage;
  private final ValueLimits limits;

  public KeyValueHandler(StorageService storage, ValueLimits limits) {
    this.storage = storage;
    this.limits = limits;
  }

  /** {@code /kv}: the key comes from {@code ?key=} or from the JSON body. */
  public void handleCollection(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      String key = Requests.keyParam(request);
      if (key != null) {
        get(request, key);
      } else if (Cursors.isPaged(
          request.getParam("prefix"), request.getParam("limit"), request.getParam("cursor"))) {
        page(request);
      } else if (Requests.hasBody(request)) {
        // Clients that send GET with a {"key":K} body, as the original JSON-body API did.
        readBody(request)
            .map(KvJson::parseKeyBody)
            .onSuccess(k -> get(request, k))
            .onFailure(fail(request));
      } else {
        listAll(request);
      }
    } else if (method == HttpMethod.PUT) {
      long epoch = ViewHeaders.epochOf(request);
      readBody(request)
          .map(body -> KvJson.parsePutBody(body, limits))
          .onSuccess(put -> put(request, put.key(), put.value(), put.ttl(), epoch))
          .onFailure(fail(request));
    } else if (method == HttpMethod.DELETE) {
      long epoch = ViewHeaders.epochOf(request);
      String key = Requests.keyParam(request);
      if (key != null) {
        delete(request, key, epoch);
      } else {
        readBody(request)
            .map(KvJson::parseKeyBody)
            .onSuccess(k -> delete(request, k, epoch))
            .onFailure(fail(request));
      }
    } else {
      throw Requests.methodNotAllowed(request, "GET, PUT, DELETE");
    }
  }

  /**
   * {@code /kv/{key}}: the key is the percent-encoded rest of the path; PUT's body is the value.
   */
  public void handleItem(HttpServerRequest request) {
    String key = KeyPaths.keyOf(request.path());
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      get(request, key);
    } else if (method == HttpMethod.PUT) {
      long epoch = ViewHeaders.epochOf(request);
      long ttl = Ttl.param(request.getParam("ttl")); // a bad ttl is refused before the body
      readBody(request)
          .map(body -> KvJson.parseBareValue(body, limits))
          .onSuccess(value -> put(request, key, value, ttl, epoch))
          .onFailure(fail(request));
    } else if (method == HttpMethod.DELETE) {
      delete(request, key, ViewHeaders.epochOf(request));
    } else {
      throw Requests.methodNotAllowed(request, "GET, PUT, DELETE");
    }
  }

  private void get(HttpServerRequest request, String key) {
    KeyRules.validate(key);
    // The hot path: answered from memory without a future (cache hit, or absent key).
    Optional<Versioned> inMemory = storage.engine().getIfCached(key);
    if (inMemory != null) {
      answerGet(request, key, inMemory);
      return;
    }
    storage.get(key).onSuccess(found -> answerGet(request, key, found)).onFailure(fail(request));
  }

  private void answerGet(HttpServerRequest request, String key, Optional<Versioned> found) {
    if (found.isEmpty()) {
      // A router reading a key that may sit on two nodes while keys move needs to know whether
      // it was deleted here (a tombstone newer than any copy elsewhere) or is simply absent.
      if (request.getHeader(ViewHeaders.EPOCH) != null) {
        Optional<StoredRecord> held = storage.engine().readRecordIfCached(key);
        if (held != null && held.isPresent() && held.get().deleted()) {
          JsonResponses.send(request.response(), 404, InternalReadHandler.deletedBody(held.get()));
          return;
        }
      }
      ErrorResponses.send(request.response(), KvException.notFound(key));
    } else {
      Versioned v = found.get();
      KvResponses.value(request.response(), 200, key, v.value(), v.version(), v.expiresAt());
    }
  }

  /** Stores the value; a ttl (seconds, 0: none) becomes an expiry by the engine's clock now. */
  private void put(HttpServerRequest request, String key, byte[] value, long ttl, long epoch) {
    long expiresAt = storage.expiresAt(ttl);
    storage
        .put(key, value, expiresAt, epoch)
        .onSuccess(
            r ->
                KvResponses.value(
                    request.response(),
                    r.created() ? 201 : 200,
                    key,
                    value,
                    r.version(),
                    expiresAt))
        .onFailure(fail(request));
  }

  private void delete(HttpServerRequest request, String key, long epoch) {
    KeyRules.validate(key);
    storage
        .delete(key, epoch)
        .onSuccess(
            version -> {
              if (version.isEmpty()) {
                ErrorResponses.send(request.response(), KvException.notFound(key));
              } else {
                KvResponses.deleted(request.response(), key, version.get());
              }
            })
        .onFailure(fail(request));
  }

  /**
   * {@code GET /kv?prefix=&limit=&cursor=}: one page in key order, with a cursor if more remain.
   */
  private void page(HttpServerRequest request) {
    String prefix = request.getParam("prefix", "");
    int limit = Cursors.parseLimit(request.getParam("limit"));
    String rawCursor = request.getParam("cursor");
    String after = rawCursor == null || rawCursor.isEmpty() ? null : Cursors.decode(rawCursor);
    storage
        .scan(prefix, after, limit + 1)
        .onSuccess(entries -> JsonResponses.send(request.response(), 200, pageBody(entries, limit)))
        .onFailure(fail(request));
  }

  static Buffer pageBody(List<Entry> entries, int limit) {
    boolean more = entries.size() > limit;
    int n = Math.min(limit, entries.size());
    Buffer body = Buffer.buffer(64 + n * 48).appendString("{\"items\":[");
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      if (i > 0) body.appendByte((byte) ',');
      body.appendString("{\"key\":")
          .appendBytes(KvJson.quote(e.key()))
          .appendString(",\"value\":")
          .appendBytes(e.value())
          .appendString(",\"version\":")
          .appendString(Long.toString(e.version()))
          .appendByte((byte) '}');
    }
    body.appendByte((byte) ']');
    if (more) {
      body.appendString(",\"cursor\":")
          .appendBytes(KvJson.quote(Cursors.encode(entries.get(n - 1).key())));
    }
    return body.appendByte((byte) '}');
  }

  /** {@code GET /kv}: every live pair as one JSON object, streamed ({@link EntryStream}). */
  private void listAll(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
    response.write(Buffer.buffer("{"));
    EntryStream.start(storage, response, STREAM_BATCH, KeyValueHandler::listingChunk, CLOSE_BRACE);
  }

  private static Buffer listingChunk(List<Entry> entries, boolean first) {
    Buffer chunk = Buffer.buffer(entries.size() * 48 + 2);
    boolean needComma = !first;
    for (Entry e : entries) {
      if (needComma) chunk.appendByte((byte) ',');
      needComma = true;
      chunk.appendBytes(KvJson.quote(e.key())).appendByte((byte) ':').appendBytes(e.value());
    }
    return chunk;
  }

  private Future<byte[]> readBody(HttpServerRequest request) {
    return BodyReader.read(request, limits.maxBodyBytes()).map(Buffer::getBytes);
  }

  private static io.vertx.core.Handler<Throwable> fail(HttpServerRequest request) {
    return t -> ErrorResponses.send(request.response(), t);
  }
}
