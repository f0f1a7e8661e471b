package io.pxkv.router.client;

import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.PutBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the PUTs for one node and sends them as one {@code POST /internal/put-batch} ({@link
 * PutBatch}); each PUT then gets its own answer from the node's, status and body unchanged.
 *
 * <p>When to send: with nothing of ours in flight to the node, the PUTs of this event-loop turn go
 * at the end of the turn; while a batch is in flight, new PUTs gather and go the moment it is
 * answered (group commit, as a disk log does with fsyncs). A quiet router therefore sends each PUT
 * at once, and as it came (a batch of one is sent as the client's own request); under load the node
 * gets fewer requests than PUTs, but small batches: about 5 PUTs each in the benchmark at 64
 * connections (docs/ARCHITECTURE.md), as most PUTs are still in a client or a socket queue when a
 * batch goes, and holding batches longer only slowed it. A PUT that would make the gathering batch
 * too large ({@link PutBatch#MAX_ENTRIES}, {@link PutBatch#MAX_BATCH_BYTES}) or was routed by
 * another view sends that batch at once and starts the next, and a PUT over {@link
 * PutBatch#MAX_ENTRY_BYTES} always goes alone.
 *
 * <p>Why: under load, sent one by one, each PUT costs both sides an HTTP request, and the node,
 * which answers a connection's requests in order, hands each to its writer thread apart. A batch
 * costs one request and one writer hand-off.
 *
 * <p>Deadlines: a PUT's deadline runs from when it arrived here, so time spent gathering counts; a
 * batch is sent with what is left of its oldest PUT's deadline. If the batch fails (the node is
 * down, or too slow), every PUT in it fails with that error; if the node refuses it as a whole (a
 * non-200 answer), every PUT gets that answer. Confined to the event loop of the {@link NodeClient}
 * that owns it.
 *
 * <p>A node older than the router does not know put batches and answers {@code 404}: the PUTs of
 * that batch are then sent one by one, and so is every PUT for the next {@link
 * #SINGLE_PUTS_AFTER_REFUSAL_MS} ms, after which a batch is tried again. So a rolling upgrade can
 * restart the router and the nodes in any order.
 */
final class PutBatcher {
  /** Sends one call to the node with a deadline (the owner's {@link NodeClient#call}). */
  interface Sender {
    Future<NodeReply> call(
        ViewTag tag,
        HttpMethod method,
        String uri,
        String contentType,
        Buffer body,
        long deadlineMs);
  }

  /** A PUT waiting for its batch; its own request too, in case it ends up alone. */
  private record Pending(String uri, String contentType, Buffer body, Promise<NodeReply> result) {}

  private static final String ANSWER_CONTENT_TYPE = "application/json";

  /** How long PUTs go one by one after a node refused a batch, before batches are tried again. */
  static final long SINGLE_PUTS_AFTER_REFUSAL_MS = 30_000;

  private final Context context;
  private final NodeInfo node;
  private final long timeoutMs;
  private final Sender sender;
  private List<Pending> pending; // null when nothing waits
  private ViewTag pendingTag; // the view the pending PUTs were routed by
  private Buffer batch; // the encoded entries of pending
  private long oldestNanos; // when the first of pending arrived
  private int inFlight; // batches (or lone PUTs) sent and not yet answered
  private long batchesRefusedAtNanos; // when the node last answered a batch with 404
  private boolean batchesRefused;

  PutBatcher(Context context, NodeInfo node, long timeoutMs, Sender sender) {
    this.context = context;
    this.node = node;
    this.timeoutMs = timeoutMs;
    this.sender = sender;
  }

  /** Gathers one PUT without a ttl apart from its body. */
  Future<NodeReply> put(
      ViewTag tag, PutBatch.Form form, String key, String uri, String contentType, Buffer body) {
    return put(tag, form, key, 0, uri, contentType, body);
  }

  /**
   * Gathers one PUT; {@code ttl} is the checked {@code ?ttl=} of a PATH_TTL one (its URI, sent when
   * it goes alone, carries it too), 0 otherwise.
   */
  Future<NodeReply> put(
      ViewTag tag,
      PutBatch.Form form,
      String key,
      long ttl,
      String uri,
      String contentType,
      Buffer body) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int size =
        PutBatch.entrySize(keyBytes, body.length()) + (form == PutBatch.Form.PATH_TTL ? 8 : 0);
    if (size > PutBatch.MAX_ENTRY_BYTES || refusesBatches()) {
      return sender.call(tag, HttpMethod.PUT, uri, contentType, body, timeoutMs);
    }
    if (pending != null
        && (pending.size() == PutBatch.MAX_ENTRIES
            || batch.length() + size > PutBatch.MAX_BATCH_BYTES
            // A batch carries one view's tag: PUTs routed by a newer view start a batch of their
            // own.
            || !java.util.Objects.equals(tag, pendingTag))) {
      send();
    }
    if (pending == null) {
      pending = new ArrayList<>();
      pendingTag = tag;
      batch = Buffer.buffer(1024);
      oldestNanos = System.nanoTime();
      if (inFlight == 0) {
        context.runOnContext(v -> sendIfIdle()); // after this turn's reads: the batch is complete
      }
    }
    PutBatch.appendEntry(batch, form, keyBytes, ttl, body);
    Pending put = new Pending(uri, contentType, body, Promise.promise());
    pending.add(put);
    return put.result.future();
  }

  private void sendIfIdle() {
    if (inFlight == 0) send();
  }

  private void send() {
    List<Pending> puts = pending;
    Buffer request = batch;
    ViewTag tag = pendingTag;
    pending = null;
    batch = null;
    pendingTag = null;
    if (puts == null) {
      return; // sent already
    }
    long waitedMs = (System.nanoTime() - oldestNanos) / 1_000_000;
    long deadlineMs = Math.max(1, timeoutMs - waitedMs);
    if (refusesBatches()) {
      sendOneByOne(tag, puts, deadlineMs); // gathered while the node's refusal was on its way
      return;
    }
    inFlight++;
    long sentNanos = System.nanoTime();
    Future<NodeReply> reply =
        puts.size() == 1
            ? sender.call(
                tag,
                HttpMethod.PUT,
                puts.get(0).uri,
                puts.get(0).contentType,
                puts.get(0).body,
                deadlineMs)
            : sender.call(
                tag, HttpMethod.POST, PutBatch.PATH, PutBatch.CONTENT_TYPE, request, deadlineMs);
    reply.onComplete(
        ar -> {
          inFlight--;
          // A batch has no key that could be missing: a 404 means the node does not know batches.
          boolean refused = ar.succeeded() && puts.size() > 1 && ar.result().status() == 404;
          if (refused) {
            batchesRefused = true;
            batchesRefusedAtNanos = System.nanoTime();
          }
          if (inFlight == 0) send(); // what gathered meanwhile goes now, before these are answered
          if (ar.failed()) {
            puts.forEach(p -> p.result.fail(ar.cause()));
          } else if (puts.size() == 1) {
            puts.get(0).result.complete(ar.result());
          } else if (refused) {
            sendOneByOne(tag, puts, deadlineMs - (System.nanoTime() - sentNanos) / 1_000_000);
          } else {
            answer(puts, ar.result());
          }
        });
  }

  /** Whether the node refused a batch lately (an older node: it does not know the call). */
  private boolean refusesBatches() {
    if (!batchesRefused) return false;
    long sinceMs = (System.nanoTime() - batchesRefusedAtNanos) / 1_000_000;
    if (sinceMs < SINGLE_PUTS_AFTER_REFUSAL_MS) return true;
    batchesRefused = false;
    return false;
  }

  /** Sends each PUT as the client sent it, with what is left of their deadline. */
  private void sendOneByOne(ViewTag tag, List<Pending> puts, long leftMs) {
    long deadlineMs = Math.max(1, leftMs);
    for (Pending p : puts) {
      sender
          .call(tag, HttpMethod.PUT, p.uri, p.contentType, p.body, deadlineMs)
          .onComplete(p.result);
    }
  }

  private void answer(List<Pending> puts, NodeReply reply) {
    if (reply.status() != 200) {
      puts.forEach(p -> p.result.complete(reply));
      return;
    }
    List<PutBatch.Answer> answers;
    try {
      if (!PutBatch.CONTENT_TYPE.equals(reply.contentType())) {
        throw new IllegalArgumentException("Content-Type " + reply.contentType());
      }
      answers = PutBatch.decodeAnswers(reply.body(), puts.size());
    } catch (IllegalArgumentException e) {
      KvException unreadable =
          NodeFailures.map(
              node, new IOException("its put batch answer is unreadable: " + e.getMessage()), 0);
      puts.forEach(p -> p.result.fail(unreadable));
      return;
    }
    for (int i = 0; i < puts.size(); i++) {
      PutBatch.Answer a = answers.get(i);
      puts.get(i).result.complete(new NodeReply(a.status(), ANSWER_CONTENT_TYPE, a.body()));
    }
  }
}
