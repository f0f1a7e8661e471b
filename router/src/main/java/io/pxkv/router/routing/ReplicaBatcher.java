package io.pxkv.router.routing;

import io.pxkv.router.client.NodeReply;
import io.pxkv.router.client.ViewTag;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Gathers the replicated writes for one node (one-record {@code RecordBatch} bodies of {@code POST
 * /internal/replicate}) into one request, as the client's PutBatcher does for single-copy PUTs:
 * with no batch of ours in flight to the node, the records of this event-loop turn go at the end of
 * the turn; while one is in flight, new records gather and go the moment it is answered. Each
 * record then gets its own result from the node's answer, whose {@code results} are in the order of
 * the records.
 *
 * <p>Why: sent one by one, each replicated write costs the node a request and a hand-off to its
 * writer, and a node answers a connection's requests in order, so no more writes than the router
 * has connections to the node could share one fsync: at {@code --fsync always} an N=3 cluster took
 * about 8x fewer PUTs than the same cluster with N=1, which batches. A batch is one request, one
 * hand-off and one group commit for all its records.
 *
 * <p>A batch whose call fails (node down, too slow) fails each of its records with that cause; a
 * non-200 answer to a batch of one record is that record's answer ({@link Refused}); a 4xx answer
 * other than {@code 409} to a batch of several (the node refused one of its records, say a value
 * over its own limit) sends each record again alone, so one record the node refuses does not fail
 * the others. Confined to one event loop.
 */
final class ReplicaBatcher {
  /**
   * Sends one body of records to the node, tagged with the view it was routed by, answered within
   * {@code deadlineMs}.
   */
  interface Sender {
    Future<NodeReply> call(ViewTag tag, Buffer records, long deadlineMs);
  }

  /** A record the node answered with other than 200: its answer, unchanged. */
  static final class Refused extends RuntimeException {
    final NodeReply reply;

    Refused(NodeReply reply) {
      super("answered " + reply.status(), null, false, false);
      this.reply = reply;
    }
  }

  /** A batch sends the moment it reaches this many bytes, whatever is in flight. */
  static final int MAX_BATCH_BYTES = 4 << 20;

  private record Pending(Buffer record, Promise<JsonObject> result) {}

  private final Context context;
  private final long timeoutMs;
  private final Sender sender;
  private final LongSupplier nanos;
  private List<Pending> pending; // null when nothing waits
  private ViewTag pendingTag; // the view the pending records were routed by
  private Buffer batch; // the pending records, one after another
  private long oldestNanos; // when the first of pending came
  private int inFlight;

  /**
   * {@code context}: the event loop it serves (null: each record goes at once, alone); {@code
   * timeoutMs}: a record's deadline, which runs from when it came, so time spent gathering counts.
   */
  ReplicaBatcher(Context context, long timeoutMs, Sender sender) {
    this(context, timeoutMs, sender, System::nanoTime);
  }

  /** As above, reading time from {@code nanos} (tests move it). */
  ReplicaBatcher(Context context, long timeoutMs, Sender sender, LongSupplier nanos) {
    this.context = context;
    this.timeoutMs = timeoutMs;
    this.sender = sender;
    this.nanos = nanos;
  }

  /** Gathers one record; its result, or the failure of its batch. */
  Future<JsonObject> submit(ViewTag tag, Buffer record) {
    if (pending != null
        && (batch.length() + record.length() > MAX_BATCH_BYTES
            || !Objects.equals(tag, pendingTag))) {
      send();
    }
    if (pending == null) {
      pending = new ArrayList<>();
      pendingTag = tag;
      batch = Buffer.buffer(1024);
      oldestNanos = nanos.getAsLong();
      if (inFlight == 0 && context != null) {
        context.runOnContext(v -> sendIfIdle()); // after this turn's writes: the batch is complete
      }
    }
    batch.appendBuffer(record);
    Pending p = new Pending(record, Promise.promise());
    pending.add(p);
    if (context == null) send(); // off an event loop: nothing to gather with
    return p.result.future();
  }

  private void sendIfIdle() {
    if (inFlight == 0) send();
  }

  private void send() {
    List<Pending> records = pending;
    Buffer body = batch;
    ViewTag tag = pendingTag;
    pending = null;
    batch = null;
    pendingTag = null;
    if (records == null) return; // sent already
    // What is left of the oldest record's deadline.
    long deadlineMs = Math.max(1, timeoutMs - (nanos.getAsLong() - oldestNanos) / 1_000_000);
    long sentNanos = nanos.getAsLong();
    inFlight++;
    sender
        .call(tag, body, deadlineMs)
        .onComplete(
            ar -> {
              inFlight--;
              if (inFlight == 0) send(); // what gathered meanwhile goes now
              long leftMs = deadlineMs - (nanos.getAsLong() - sentNanos) / 1_000_000;
              answer(tag, records, ar, leftMs);
            });
  }

  private void answer(ViewTag tag, List<Pending> records, AsyncResult<NodeReply> ar, long leftMs) {
    if (ar.failed()) {
      records.forEach(r -> r.result.fail(ar.cause()));
      return;
    }
    NodeReply reply = ar.result();
    if (reply.status() == 200) {
      JsonArray results;
      try {
        results = new JsonObject(reply.body()).getJsonArray("results");
      } catch (RuntimeException e) {
        records.forEach(r -> r.result.fail(e));
        return;
      }
      for (int i = 0; i < records.size(); i++) {
        if (results != null && i < results.size()) {
          records.get(i).result.complete(results.getJsonObject(i));
        } else {
          records.get(i).result.fail(new IllegalStateException("no result for record " + i));
        }
      }
    } else if (records.size() > 1 && reply.status() / 100 == 4 && reply.status() != 409) {
      for (Pending r : records) {
        sender
            .call(tag, r.record, Math.max(1, leftMs))
            .onComplete(one -> answer(tag, List.of(r), one, 0));
      }
    } else {
      records.forEach(r -> r.result.fail(new Refused(reply)));
    }
  }
}
