package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KvJson.RecordLine;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a restore ({@code POST /admin/import} on the router) for a replicated key: the record
 * goes to every replica of the key as {@code POST /internal/replicate}, which each stores only if
 * it is newer than what it holds, as any replicated write. A line with a version keeps it and its
 * writer, so a restore never undoes a later write; a line without one is stamped by {@link
 * RouterClock} like a client's PUT. A replica that holds a newer write of the key answers so, and
 * that counts as done: the restore asks for "at least this", and the replica has it.
 *
 * <p>The line is done once {@code w} replicas answered; a replica whose call failed gets the record
 * through a hint ({@link HintedHandoff}), as a write it missed. Fewer than {@code w} answers is
 * {@code 503 quorum_not_reached}; a replica's 4xx (a value over its limits, say) is the line's
 * error. Answers whether some replica applied it (the {@code imported} count). Runs on the calling
 * event loop.
 */
public final class ReplicatedImport {
  private final FailureDetector detector;
  private final HintedHandoff hints;

  public ReplicatedImport(FailureDetector detector) {
    this.detector = detector;
    this.hints = new HintedHandoff(detector);
  }

  /** Writes {@code line} to every replica of its key under {@code view}, answered at {@code w}. */
  public Future<Boolean> write(ClusterView view, RecordLine line, int w) {
    long version = line.version();
    int writer = line.writer();
    if (version == 0) {
      RouterClock.observe(view.state().floor());
      version = RouterClock.next();
      writer = RouterClock.WRITER;
    }
    Buffer body =
        RecordBatch.append(
            Buffer.buffer(),
            line.key().getBytes(StandardCharsets.UTF_8),
            line.value(),
            version,
            writer,
            line.expiresAt());
    List<NodeClient> replicas = view.replicasOf(line.key());
    Promise<Boolean> done = Promise.promise();
    int[] acks = {0};
    int[] answers = {0};
    boolean[] applied = {false};
    RuntimeException[] failure = {null};
    List<Future<Void>> hinted = new ArrayList<>();
    for (NodeClient node : replicas) {
      send(view, node, body)
          .onComplete(
              ar -> {
                answers[0]++;
                if (ar.succeeded()) {
                  acks[0]++;
                  applied[0] |= ar.result().getBoolean("applied", false);
                } else {
                  RuntimeException e = (RuntimeException) ar.cause();
                  if (failure[0] == null || e instanceof StaleView) failure[0] = e;
                  if (!(e instanceof StaleView) && !(e instanceof ReplicatedWrites.NodeError)) {
                    hinted.add(hints.send(view, line.key(), node, body));
                  }
                }
                if (done.future().isComplete()) return;
                if (acks[0] >= w) {
                  done.complete(applied[0]);
                } else if (answers[0] == replicas.size()) {
                  done.fail(outcome(failure[0], acks[0], replicas.size(), w));
                }
              });
    }
    // As for a write: the hints sent before the answer are kept (or failed) before it.
    return done.future()
        .compose(
            ok ->
                Future.join(new ArrayList<>(hinted))
                    .transform(ignored -> Future.succeededFuture(ok)));
  }

  private static RuntimeException outcome(RuntimeException failure, int acks, int asked, int w) {
    if (failure instanceof StaleView || failure instanceof ReplicatedWrites.NodeError) {
      return failure instanceof ReplicatedWrites.NodeError n ? asKv(n.reply) : failure;
    }
    return ReplicatedWrites.notReached(
        acks, asked, w, failure == null ? "no answer" : failure.getMessage());
  }

  /** A replica's 4xx, as the error of the line (its JSON error's code and message). */
  private static KvException asKv(NodeReply reply) {
    try {
      JsonObject error = new JsonObject(reply.body());
      return new KvException(
          ErrorCode.byCode(error.getString("error")), error.getString("message", ""));
    } catch (RuntimeException notJson) {
      return new KvException(ErrorCode.INVALID_REQUEST, "a replica answered " + reply.status());
    }
  }

  /** One replica's answer to the record, or the failure (told to the detector). */
  private Future<JsonObject> send(ClusterView view, NodeClient node, Buffer body) {
    return node.call(
            view.tag(), HttpMethod.POST, "/internal/replicate", RecordBatch.CONTENT_TYPE, body)
        .transform(
            ar -> {
              if (ar.failed()) {
                KvException e = node.noteFailure(ar.cause());
                detector.failed(node.node().id(), e.getMessage());
                return Future.failedFuture(e);
              }
              NodeReply reply = ar.result();
              StaleView stale = StaleView.of(node, reply);
              if (stale != null) return Future.failedFuture(stale);
              if (reply.status() >= 500) {
                return Future.failedFuture(
                    new KvException(
                        ErrorCode.NODE_UNAVAILABLE,
                        node.node().id() + " answered " + reply.status() + ": " + reply.body()));
              }
              if (reply.status() != 200) {
                return Future.failedFuture(new ReplicatedWrites.NodeError(reply));
              }
              return Future.succeededFuture(
                  new JsonObject(reply.body()).getJsonArray("results").getJsonObject(0));
            });
  }
}
