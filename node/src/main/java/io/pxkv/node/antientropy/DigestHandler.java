package io.pxkv.node.antientropy;

import io.pxkv.common.antientropy.BucketDigests;
import io.pxkv.common.antientropy.DigestRequest;
import io.pxkv.common.antientropy.RecordPage;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.ring.Murmur3;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.StorageEngine.KeyStamp;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The node's side of anti-entropy (docs/ARCHITECTURE.md, "Anti-entropy"): a router compares the
 * replicas of each arc of the ring by bucket digests and copies the newer records across.
 *
 * <ul>
 *   <li>{@code POST /internal/digest}: the {@link BucketDigests} of the asked arcs over every
 *       record this node holds, tombstones included (handoff markers are absence), from the stamps
 *       (version, writer, tombstone) the engine keeps in memory: no value is read.
 *   <li>{@code POST /internal/digest/records}: a page of this node's records in the asked buckets
 *       (values with their expiry, tombstones), in key order, as a {@link RecordPage}: while the
 *       walk may go on, it names the last key the walk passed, the {@code after} of the next page.
 * </ul>
 *
 * Reads go a page at a time to the {@code kv-read} pool, one page in flight per call, so a digest
 * takes one reader thread at most and never the event loop.
 */
public final class DigestHandler {
  /** Stamps read at a time while a digest is computed. */
  static final int PAGE = 1000;

  private static final long MAX_BODY = 16L << 20;

  private final StorageService storage;

  public DigestHandler(StorageService storage) {
    this.storage = storage;
  }

  /** {@code POST /internal/digest}. */
  public void digest(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY)
        .map(body -> DigestRequest.fromJson(json(body), false))
        .compose(
            asked -> {
              BucketDigests digests =
                  new BucketDigests(asked.buckets(), asked.fromArc(), asked.toArc());
              return fill(digests, null).map(v -> digests);
            })
        .onSuccess(d -> JsonResponses.ok(request.response(), d.toJson()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  /** Adds every record after {@code after} to {@code digests}, a page at a time. */
  private Future<Void> fill(BucketDigests digests, String after) {
    Promise<Void> done = Promise.promise();
    page(digests, after, done);
    return done.future();
  }

  private void page(BucketDigests digests, String after, Promise<Void> done) {
    storage
        .scanStamps(after, PAGE, key -> digests.covers(Murmur3.INSTANCE.hash(key)))
        .onSuccess(
            stamps -> {
              for (KeyStamp s : stamps) {
                if (s.handedOff()) continue;
                digests.add(Murmur3.INSTANCE.hash(s.key()), s.version(), s.writer(), s.deleted());
              }
              if (stamps.size() < PAGE) done.complete();
              else page(digests, stamps.get(stamps.size() - 1).key(), done);
            })
        .onFailure(done::fail);
  }

  /** {@code POST /internal/digest/records}. */
  public void records(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY)
        .map(body -> DigestRequest.fromJson(json(body), true))
        .compose(
            asked ->
                storage
                    .scanRecords(
                        "",
                        asked.after(),
                        asked.limit(),
                        true,
                        key -> asked.wants(Murmur3.INSTANCE.hash(key)))
                    .map(records -> answer(records, asked.limit())))
        .onSuccess(
            body -> {
              request.response().putHeader(Headers.CONTENT_TYPE, RecordPage.CONTENT_TYPE);
              request.response().end(body);
            })
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private static Buffer answer(List<StoredRecord> records, int limit) {
    Buffer body = Buffer.buffer(records.size() * 64);
    for (StoredRecord r : records) {
      if (r.handedOff()) continue;
      RecordBatch.append(
          body,
          r.key().getBytes(StandardCharsets.UTF_8),
          r.value(),
          r.version(),
          r.writer(),
          r.expiresAt());
    }
    String next = records.size() == limit ? records.get(records.size() - 1).key() : null;
    return RecordPage.encode(next, body);
  }

  private static JsonObject json(Buffer body) {
    try {
      return body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
    }
  }
}
