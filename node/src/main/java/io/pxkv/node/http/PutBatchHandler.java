package io.pxkv.node.http;

import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.async.TurnPuts;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /internal/put-batch} ({@link PutBatch}): several client PUTs in one request. Each
 * entry is checked and stored exactly as {@link KeyValueHandler} would store it alone, and gets the
 * status and body that PUT alone would get, error or not; one bad entry never touches the others.
 *
 * <p>Why: a router sends a node the PUTs waiting for it this way. One request instead of many saves
 * both sides the HTTP work per PUT, and the writes reach the {@code kv-write} thread together and
 * come back to the event loop in one hop, where single PUTs on a connection wait for each other (an
 * HTTP/1.1 server answers a connection's requests one after another). The batches read in one
 * event-loop turn (from several router connections) go to the writer together too ({@link
 * TurnPuts}).
 */
public final class PutBatchHandler {
  private final TurnPuts puts;
  private final StorageService storage;
  private final ValueLimits limits;

  /** Call on the event loop that will run it. */
  public PutBatchHandler(StorageService storage, ValueLimits limits) {
    this.puts = new TurnPuts(storage, Vertx.currentContext());
    this.storage = storage;
    this.limits = limits;
  }

  public void handle(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    long epoch = ViewHeaders.epochOf(request);
    BodyReader.read(request, PutBatch.MAX_BATCH_BYTES)
        .map(PutBatch::decodeEntries)
        .onSuccess(entries -> apply(request, entries, epoch))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private void apply(HttpServerRequest request, List<PutBatch.Entry> entries, long epoch) {
    // Entries that pass their checks are stored together; the others already have their answer.
    PutBatch.Answer[] answers = new PutBatch.Answer[entries.size()];
    List<Integer> stored = new ArrayList<>(entries.size());
    List<String> keys = new ArrayList<>(entries.size());
    List<byte[]> values = new ArrayList<>(entries.size());
    long[] expiresAt = null; // stays null unless a PUT has a ttl: the common case costs nothing
    for (int i = 0; i < entries.size(); i++) {
      try {
        KvJson.PutBody put = check(entries.get(i));
        if (put.ttl() != 0) {
          if (expiresAt == null) expiresAt = new long[entries.size()];
          expiresAt[keys.size()] = storage.expiresAt(put.ttl());
        }
        stored.add(i);
        keys.add(put.key());
        values.add(put.value());
      } catch (RuntimeException e) {
        answers[i] = error(e);
      }
    }
    long[] expiries = expiresAt == null ? null : java.util.Arrays.copyOf(expiresAt, keys.size());
    puts.putAll(keys, values, expiries, epoch)
        .onComplete(
            done -> {
              if (done.failed()) {
                ErrorResponses.send(request.response(), done.cause());
                return;
              }
              List<AsyncResult<PutResult>> results = done.result();
              for (int j = 0; j < results.size(); j++) {
                AsyncResult<PutResult> r = results.get(j);
                String key = keys.get(j);
                answers[stored.get(j)] =
                    r.succeeded()
                        ? new PutBatch.Answer(
                            r.result().created() ? 201 : 200,
                            KvResponses.valueBody(
                                key,
                                values.get(j),
                                r.result().version(),
                                expiries == null ? 0 : expiries[j]))
                        : error(r.cause());
              }
              respond(request, answers);
            });
  }

  private static void respond(HttpServerRequest request, PutBatch.Answer[] answers) {
    int size = 0;
    for (PutBatch.Answer a : answers) size += 8 + a.body().length();
    Buffer body = Buffer.buffer(size);
    for (PutBatch.Answer a : answers) PutBatch.appendAnswer(body, a.status(), a.body());
    request
        .response()
        .putHeader(Headers.CONTENT_TYPE, PutBatch.CONTENT_TYPE)
        .putHeader(Headers.CONTENT_LENGTH, String.valueOf(body.length()))
        .end(body);
  }

  /**
   * The key and value {@code PUT /kv/{key}} or {@code PUT /kv} with this body would store, or the
   * error it would answer. The checks run in the order the PUT alone runs them, so the first
   * problem is the one named.
   */
  private KvJson.PutBody check(PutBatch.Entry entry) {
    if (entry.form() != PutBatch.Form.BODY) {
      KeyRules.validate(entry.key());
      long ttl = 0;
      if (entry.form() == PutBatch.Form.PATH_TTL) {
        ttl = Ttl.checked(entry.ttl(), Long.toString(entry.ttl()));
      }
      checkSize(entry);
      return new KvJson.PutBody(entry.key(), KvJson.parseBareValue(entry.body(), limits), ttl);
    }
    checkSize(entry);
    return KvJson.parsePutBody(entry.body(), limits);
  }

  private void checkSize(PutBatch.Entry entry) {
    if (entry.body().length > limits.maxBodyBytes()) {
      throw BodyReader.tooLarge(limits.maxBodyBytes());
    }
  }

  private static PutBatch.Answer error(Throwable failure) {
    KvException e = ErrorResponses.toKvException(failure);
    return new PutBatch.Answer(e.code().status(), ErrorResponses.body(e.code(), e.getMessage()));
  }
}
