package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * PUTs and DELETEs of a replicated key (docs/ARCHITECTURE.md, "Replication"). The router gives the
 * write its (version, writer) from {@link RouterClock} and sends it to every replica of the key as
 * a record of {@code POST /internal/replicate} (a {@link RecordBatch}, gathered with the other
 * writes for that replica by its {@link ReplicaBatcher}; a delete is a tombstone), which each
 * replica stores only if it is newer than what it holds, durably by its own sync mode. The client
 * is answered once {@code w} replicas stored it:
 *
 * <ul>
 *   <li>PUT {@code 200} if the newest write they held was a live value, else {@code 201}; DELETE
 *       {@code 200} on the same condition, else {@code 404}. With {@code w > n/2} any two write
 *       quorums share a replica, so the last acknowledged write of the key is seen by every later
 *       quorum, whichever replicas answer.
 *   <li>A replica that holds a newer write refuses it and names that write: the clock moves past it
 *       and the write goes again with a new version, so an acknowledged write is newer than every
 *       write its quorum held, whatever the routers' clocks say.
 *   <li>Fewer than {@code w} stored it once every replica asked answered or failed (each call has
 *       the router's deadline): {@code 503 quorum_not_reached}, naming how many did.
 * </ul>
 *
 * Suspected replicas ({@link FailureDetector}) are not asked while enough others are up. A replica
 * not asked, or whose call failed, gets the write later through a hint a stand-in keeps for it
 * ({@link HintedHandoff}); the answer waits for the hints sent before the quorum was reached, but
 * not for their outcome, and a hint never counts toward {@code w}. Runs on the calling event loop.
 */
public final class ReplicatedWrites {
  /** Rounds of "you are older, write again above it" before giving up: races are rare. */
  private static final int MAX_ROUNDS = 4;

  private final FailureDetector detector;
  private final HintedHandoff hints;

  /** Each node's batcher; the instance serves one event loop, and views replace node clients. */
  private final Map<NodeClient, ReplicaBatcher> batchers = new WeakHashMap<>();

  public ReplicatedWrites(FailureDetector detector) {
    this.detector = detector;
    this.hints = new HintedHandoff(detector);
  }

  /**
   * PUT of {@code value} (compact JSON) under {@code key}, expiring after {@code ttl} s (0: no).
   */
  public Future<NodeReply> put(
      ClusterView view, String key, byte[] value, long ttl, int w, WriteTries tries) {
    return put(view, key, value, ttl, w, tries, ReplicaRead.ABSENT);
  }

  /**
   * PUT of a key whose newest write before it was read as {@code read} (while its copies move, the
   * replicas of the target may not have it yet): 200 if the newer of that and what the
   * acknowledging replicas held was a live value, else 201. {@code tries}: the request's earlier
   * tries, if it is routed again.
   */
  public Future<NodeReply> put(
      ClusterView view,
      String key,
      byte[] value,
      long ttl,
      int w,
      WriteTries tries,
      ReplicaRead read) {
    ReplicaRead before = tries.before(read);
    long expiresAt = Ttl.expiresAt(System.currentTimeMillis(), ttl);
    return write(view, key, value, expiresAt, w, tries)
        .map(
            done -> {
              byte[] quoted = KvJson.quote(key);
              Buffer body =
                  Buffer.buffer(quoted.length + value.length + 64)
                      .appendString("{\"key\":")
                      .appendBytes(quoted)
                      .appendString(",\"value\":")
                      .appendBytes(value)
                      .appendString(",\"version\":")
                      .appendString(Long.toString(done.version));
              if (expiresAt != 0) {
                body.appendString(",\"expiresAt\":\"")
                    .appendString(Ttl.format(expiresAt))
                    .appendString("\"");
              }
              body.appendString("}");
              return new NodeReply(
                  priorLive(done, before) ? 200 : 201, Headers.APPLICATION_JSON.toString(), body);
            })
        .recover(ReplicatedWrites::nodeErrorAsReply);
  }

  /** DELETE of {@code key}: a tombstone on its replicas. */
  public Future<NodeReply> delete(ClusterView view, String key, int w, WriteTries tries) {
    return delete(view, key, w, tries, ReplicaRead.ABSENT);
  }

  /**
   * DELETE of {@code key} whose newest write before it was read as {@code before} (while its copies
   * move, the replicas of the target may not have it yet): 200 if the newer of that and what the
   * acknowledging replicas held was a live value.
   */
  public Future<NodeReply> delete(
      ClusterView view, String key, int w, WriteTries tries, ReplicaRead read) {
    ReplicaRead before = tries.before(read);
    return write(view, key, null, 0, w, tries)
        .map(
            done -> {
              if (!priorLive(done, before)) throw KvException.notFound(key);
              Buffer body =
                  Buffer.buffer("{\"key\":")
                      .appendBytes(KvJson.quote(key))
                      .appendString(",\"deleted\":true,\"version\":")
                      .appendString(Long.toString(done.version))
                      .appendString("}");
              return new NodeReply(200, Headers.APPLICATION_JSON.toString(), body);
            })
        .recover(ReplicatedWrites::nodeErrorAsReply);
  }

  /**
   * A write acknowledged by a quorum: its version, and the newest write the acknowledging replicas
   * held (version 0: none) and whether it was a live value.
   */
  private record Done(long version, boolean priorLive, long priorVersion, int priorWriter) {}

  /** Whether the newer of {@code before} and what the acknowledging replicas held was live. */
  private static boolean priorLive(Done done, ReplicaRead before) {
    if (before.state() != ReplicaRead.State.ABSENT
        && (done.priorVersion == 0
            || WriteOrder.compare(
                    before.version(), before.writer(), done.priorVersion, done.priorWriter)
                > 0)) {
      return before.state() == ReplicaRead.State.LIVE;
    }
    return done.priorLive;
  }

  private Future<Done> write(
      ClusterView view, String key, byte[] value, long expiresAt, int w, WriteTries tries) {
    RouterClock.observe(view.state().floor());
    return round(view, order(view.replicasOf(key)), key, value, expiresAt, w, tries, 1);
  }

  /** The replicas, those not suspected first. */
  private List<NodeClient> order(List<NodeClient> replicas) {
    List<NodeClient> up = new ArrayList<>(replicas.size());
    List<NodeClient> suspected = new ArrayList<>();
    for (NodeClient r : replicas) (detector.suspected(r.node().id()) ? suspected : up).add(r);
    up.addAll(suspected);
    return up;
  }

  /**
   * One version of the write: sent to every replica not suspected (at least {@code w} of them), and
   * to the next replica not asked yet whenever one fails, so a node that died since the last
   * heartbeat costs one refused connection, not the write.
   */
  private Future<Done> round(
      ClusterView view,
      List<NodeClient> order,
      String key,
      byte[] value,
      long expiresAt,
      int w,
      WriteTries tries,
      int round) {
    long version = RouterClock.next();
    tries.sent(version);
    Buffer body =
        RecordBatch.append(
            Buffer.buffer(),
            key.getBytes(StandardCharsets.UTF_8),
            value,
            version,
            RouterClock.WRITER,
            expiresAt);
    int first = 0;
    while (first < order.size()
        && (first < w || !detector.suspected(order.get(first).node().id()))) {
      first++;
    }
    Tally tally =
        new Tally(
            order,
            w,
            version,
            tries,
            node -> send(view, node, body),
            node -> hints.send(view, key, node, body));
    tally.start(first);
    return tally
        .done
        .future()
        .compose(
            done ->
                // The hints of the replicas it missed are kept (or failed) before the answer.
                Future.join(new ArrayList<>(tally.hinted)).transform(ignored -> succeeded(done)))
        .recover(
            e -> {
              if (e instanceof Older older && round < MAX_ROUNDS) {
                RouterClock.observe(older.version);
                return round(view, order, key, value, expiresAt, w, tries, round + 1);
              }
              if (e instanceof Older older) return Future.failedFuture(older.asUnavailable());
              return Future.failedFuture(e);
            });
  }

  private static Future<Done> succeeded(Done done) {
    return Future.succeededFuture(done);
  }

  /**
   * One replica's answer: its result, or the failure (mapped, and told to the detector). The record
   * goes in a batch with the other writes for that node ({@link ReplicaBatcher}).
   */
  private Future<JsonObject> send(ClusterView view, NodeClient node, Buffer body) {
    return batcher(node)
        .submit(view.tag(), body)
        .transform(
            ar -> {
              if (ar.succeeded()) return Future.succeededFuture(ar.result());
              if (ar.cause() instanceof ReplicaBatcher.Refused refused) {
                StaleView stale = StaleView.of(node, refused.reply);
                if (stale != null) return Future.failedFuture(stale);
                return Future.failedFuture(passOn(node, refused.reply));
              }
              KvException e = node.noteFailure(ar.cause());
              detector.failed(node.node().id(), e.getMessage());
              return Future.failedFuture(e);
            });
  }

  /** The batcher of {@code node}'s replicated writes on this event loop. */
  private ReplicaBatcher batcher(NodeClient node) {
    ReplicaBatcher b = batchers.get(node);
    if (b == null) {
      b =
          new ReplicaBatcher(
              Vertx.currentContext(),
              node.timeoutMs(),
              (tag, records, deadlineMs) ->
                  node.call(
                      tag,
                      HttpMethod.POST,
                      "/internal/replicate",
                      RecordBatch.CONTENT_TYPE,
                      records,
                      deadlineMs));
      batchers.put(node, b);
    }
    return b;
  }

  /** A replica's error that is not about availability (a bad value, say) goes to the client. */
  private static RuntimeException passOn(NodeClient node, NodeReply reply) {
    if (reply.status() >= 500) {
      return new KvException(
          ErrorCode.NODE_UNAVAILABLE,
          node.node().id() + " answered " + reply.status() + ": " + reply.body());
    }
    return new NodeError(reply);
  }

  /** A node's 4xx answer to pass on unchanged. */
  static final class NodeError extends RuntimeException {
    final NodeReply reply;

    NodeError(NodeReply reply) {
      super(reply.body().toString(), null, false, false);
      this.reply = reply;
    }
  }

  /** The round lost to newer writes on replicas; the next round goes above {@code version}. */
  private static final class Older extends RuntimeException {
    final long version;
    final int acks;
    final int asked;
    final int w;

    Older(long version, int acks, int asked, int w) {
      super("a replica holds a newer write", null, false, false);
      this.version = version;
      this.acks = acks;
      this.asked = asked;
      this.w = w;
    }

    KvException asUnavailable() {
      return notReached(acks, asked, w, "replicas kept taking newer writes of the key");
    }
  }

  static KvException notReached(int acks, int asked, int w, String why) {
    return new KvException(
        ErrorCode.QUORUM_NOT_REACHED,
        acks
            + " of "
            + asked
            + " replicas acknowledged the write, "
            + w
            + " needed ("
            + why
            + "); the write may be on those "
            + acks
            + " and may yet become visible, or not: write it again to be sure");
  }

  /** The answers of one round, as they come. */
  private static final class Tally {
    final Promise<Done> done = Promise.promise();
    final List<NodeClient> order;
    final java.util.function.Function<NodeClient, Future<JsonObject>> send;
    final java.util.function.Function<NodeClient, Future<Void>> hint;
    final List<Future<Void>> hinted = new ArrayList<>();
    final int w;
    final long version;
    final WriteTries tries;
    int sent;
    int acks;
    int answers;
    boolean priorLive;
    long priorVersion;
    int priorWriter;
    long newerSeen;
    RuntimeException firstFailure;
    NodeError nodeError;
    StaleView stale;

    Tally(
        List<NodeClient> order,
        int w,
        long version,
        WriteTries tries,
        java.util.function.Function<NodeClient, Future<JsonObject>> send,
        java.util.function.Function<NodeClient, Future<Void>> hint) {
      this.order = order;
      this.w = w;
      this.version = version;
      this.tries = tries;
      this.send = send;
      this.hint = hint;
    }

    /** Sends to the first {@code count} replicas, and hints for the others at the same time. */
    void start(int count) {
      for (int i = 0; i < count; i++) sendNext();
      for (int i = count; i < order.size(); i++) hinted.add(hint.apply(order.get(i)));
    }

    private void sendNext() {
      NodeClient node = order.get(sent++);
      send.apply(node)
          .onComplete(
              ar -> {
                if (ar.succeeded()) answered(node, ar.result());
                else failed(node, (RuntimeException) ar.cause());
              });
    }

    void answered(NodeClient node, JsonObject result) {
      answers++;
      boolean applied = result.getBoolean("applied", false);
      long heldVersion = result.getLong("version", 0L);
      int heldWriter = (int) (long) result.getLong("writer", 0L);
      if (applied || (heldVersion == version && heldWriter == RouterClock.WRITER)) {
        acks++;
        // The newest write the acknowledging replicas held before this client's write decides:
        // one of them held the last acknowledged write, and a replica that missed it may still
        // hold something older. What a replica held may be an earlier try of this write: then
        // what it held before that try counts (WriteTries).
        String id = node.node().id();
        WriteTries.Held held =
            applied
                ? tries.before(
                    id,
                    new WriteTries.Held(
                        heldVersion, heldWriter, "live".equals(result.getString("prior"))))
                : tries.before(id);
        if (held != null
            && held.version() != 0
            && (priorVersion == 0
                || WriteOrder.compare(held.version(), held.writer(), priorVersion, priorWriter)
                    > 0)) {
          priorVersion = held.version();
          priorWriter = held.writer();
          priorLive = held.live();
        }
      } else {
        newerSeen = Math.max(newerSeen, heldVersion);
      }
      settle();
    }

    void failed(NodeClient node, RuntimeException e) {
      answers++;
      if (e instanceof StaleView s) stale = s;
      else if (e instanceof NodeError n) nodeError = n;
      else if (firstFailure == null) firstFailure = e;
      // Down, or too slow: the write reaches it later through a stand-in.
      if (!(e instanceof StaleView) && !(e instanceof NodeError)) hinted.add(hint.apply(node));
      // A replica that cannot take it: ask one that was left out (suspected), if any.
      if (!done.future().isComplete() && sent < order.size() && !(e instanceof NodeError)) {
        sendNext();
      }
      settle();
    }

    private void settle() {
      if (done.future().isComplete()) return;
      if (acks >= w) {
        done.complete(new Done(version, priorLive, priorVersion, priorWriter));
      } else if (answers == sent) {
        if (nodeError != null) done.fail(nodeError);
        else if (stale != null) done.fail(stale);
        else if (newerSeen > 0) done.fail(new Older(newerSeen, acks, order.size(), w));
        else {
          String why = firstFailure == null ? "no answer" : firstFailure.getMessage();
          done.fail(notReached(acks, order.size(), w, why));
        }
      }
    }
  }

  /** A replica's 4xx is the answer (the node's own error, unchanged). */
  private static Future<NodeReply> nodeErrorAsReply(Throwable e) {
    return e instanceof NodeError n ? Future.succeededFuture(n.reply) : Future.failedFuture(e);
  }
}
