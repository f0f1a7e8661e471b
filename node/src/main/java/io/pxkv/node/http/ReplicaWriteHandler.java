package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /internal/replicate}: a replicated write, sent by a router to every replica of a key
 * (docs/API.md, "Internal calls"). The body is a {@link RecordBatch}: each record a value or a
 * tombstone with the (version, writer) the router gave the write. Each is written as an import:
 * only if it is newer than what the node holds, durable per the node's sync mode before the answer.
 *
 * <p>The answer says, per record in order, {@code {"applied":bool,"prior":S,"version":N,
 * "writer":W}}: applied, with the state it replaced ({@code S} {@code live}, {@code deleted} or
 * {@code absent}: the router's 201 vs 200 and 200 vs 404); or not applied, with the newer write the
 * node holds, which the router's clock then moves past before it writes again. The prior state is
 * read just before the write is queued: with a concurrent write of the same key in between it may
 * be that write's predecessor, which is one of the orders the two writes could have had.
 *
 * <p>Runs on an event loop; reads and writes go through {@link StorageService}.
 */
public final class ReplicaWriteHandler {
  private final StorageService storage;
  private final ValueLimits limits;

  public ReplicaWriteHandler(StorageService storage, ValueLimits limits) {
    this.storage = storage;
    this.limits = limits;
  }

  /** {@code POST /internal/replicate}. */
  public void replicate(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    if (!RecordBatch.CONTENT_TYPE.equals(request.getHeader(Headers.CONTENT_TYPE))) {
      throw new KvException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "/internal/replicate takes a body of type " + RecordBatch.CONTENT_TYPE);
    }
    BodyReader.read(request, RecordBatch.MAX_BATCH_BYTES)
        .map(body -> checked(RecordBatch.decode(body), limits))
        .compose(records -> write(records, epoch))
        .onSuccess(
            results ->
                JsonResponses.send(
                    request.response(), 200, new JsonObject().put("results", results).toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private Future<JsonArray> write(List<StoredRecord> records, long epoch) {
    List<Future<Optional<StoredRecord>>> before = new ArrayList<>(records.size());
    for (StoredRecord r : records) before.add(storage.readRecord(r.key()));
    return Future.all(before)
        .compose(read -> storage.importAll(records, epoch))
        .compose(outcomes -> answer(records, before, outcomes));
  }

  private Future<JsonArray> answer(
      List<StoredRecord> records,
      List<Future<Optional<StoredRecord>>> before,
      List<AsyncResult<Boolean>> outcomes) {
    List<Future<JsonObject>> results = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      AsyncResult<Boolean> o = outcomes.get(i);
      if (o.failed()) return Future.failedFuture(o.cause());
      if (o.result()) {
        results.add(Future.succeededFuture(state(true, before.get(i).result())));
      } else {
        // Refused as older: say what is newer, read now, after the refusal.
        results.add(storage.readRecord(records.get(i).key()).map(held -> state(false, held)));
      }
    }
    return Future.all(results)
        .map(
            done -> {
              JsonArray all = new JsonArray();
              for (Future<JsonObject> f : results) all.add(f.result());
              return all;
            });
  }

  private JsonObject state(boolean applied, Optional<StoredRecord> held) {
    JsonObject s = new JsonObject().put("applied", applied);
    if (held.isEmpty() || held.get().handedOff()) {
      return s.put("prior", "absent").put("version", 0L).put("writer", 0L);
    }
    StoredRecord r = held.get();
    String state = r.deleted() ? "deleted" : storage.expired(r.expiresAt()) ? "expired" : "live";
    return s.put("prior", state)
        .put("version", r.version())
        .put("writer", WriteOrder.writerJson(r.writer()));
  }

  /** The records of a batch, each checked as a client's write would be (also used for hints). */
  static List<StoredRecord> checked(List<RecordBatch.Entry> entries, ValueLimits limits) {
    List<StoredRecord> records = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      RecordBatch.Entry e = entries.get(i);
      try {
        KeyRules.validate(e.key());
        if (!StorageEngine.isImportableVersion(e.version()) || e.version() < 1) {
          throw new KvException(
              ErrorCode.INVALID_REQUEST,
              "version must be 1.." + StorageEngine.MAX_VERSION + " (was " + e.version() + ")");
        }
        if (e.value() == null) {
          records.add(new StoredRecord(e.key(), null, e.version(), e.writer()));
        } else {
          byte[] value = KvJson.compactValue(e.value(), limits);
          records.add(
              StoredRecord.expiring(e.key(), value, e.version(), e.writer(), e.expiresAt()));
        }
      } catch (KvException bad) {
        throw new KvException(bad.code(), "record " + i + ": " + bad.getMessage());
      }
    }
    return records;
  }
}
