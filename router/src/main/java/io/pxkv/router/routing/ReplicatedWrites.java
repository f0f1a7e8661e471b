package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.Ttl;
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
 * PUTs and DELETEs of a replicated key (docs/ARCHITECTURE.md, "Replication"). The router gives the
 * write its (version, writer) from {@link RouterClock} and sends it to every replica of the key as
 * {@code POST /internal/replicate} (a one-record {@link RecordBatch}; a delete is a tombstone),
 * which each replica stores only if it is newer than what it holds, durably by its own sync mode.
 * The client is answered once {@code w} replicas stored it:
 *
 * <ul>
 *   <li>PUT {@code 200} if one of them held a live older value, else {@code 201}; DELETE {@code
 *       200} if one of them held a live value, else {@code 404}. With {@code w > n/2} any two write
 *       quorums share a replica, so the last acknowledged write of the key is seen by every later
 *       quorum, whichever replicas answer.
 *   <li>A replica that holds a newer write refuses it and names that write: the clock moves past it
 *       and the write goes again with a new version, so an acknowledged write is newer than every
 *       write its quorum held, whatever the routers' clocks say.
 *   <li>Fewer than {@code w} stored it once every replica asked answered or failed (each call has
 *       the router's deadline): {@code 503 quorum_not_reached}, naming how many did.
 * </ul>
 *
 * Suspected replicas ({@link FailureDetector}) are not asked while enough others are up. Runs on
 * the calling event loop.
 */
public final class ReplicatedWrites {
  /** Rounds of "you are older, write again above it" before giving up: races are rare. */
  private static final int MAX_ROUNDS = 4;

  private final FailureDetector detector;

  public ReplicatedWrites(FailureDetector detector) {
    this.detector = detector;
  }

  /**
   * PUT of {@code value} (compact JSON) under {@code key}, expiring after {@code ttl} s (0: no).
   */
  public Future<NodeReply> put(ClusterView view, String key, byte[] value, long ttl, int w) {
    long expiresAt = Ttl.expiresAt(System.currentTimeMillis(), ttl);
    return write(view, key, value, expiresAt, w)
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
                  done.priorLive ? 200 : 201, Headers.APPLICATION_JSON.toString(), body);
            })
        .recover(ReplicatedWrites::nodeErrorAsReply);
  }

  /** DELETE of {@code key}: a tombstone on its replicas. */
  public Future<NodeReply> delete(ClusterView view, String key, int w) {
    return write(view, key, null, 0, w)
        .map(
            done -> {
              if (!done.priorLive) throw KvException.notFound(key);
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

  /** A write acknowledged by a quorum: its version, and whether a replica held a live value. */
  private record Done(long version, boolean priorLive) {}

  private Future<Done> write(ClusterView view, String key, byte[] value, long expiresAt, int w) {
    List<NodeClient> targets = targets(view.replicasOf(key), w);
    RouterClock.observe(view.state().floor());
    return round(view, targets, key, value, expiresAt, w, 1);
  }

  /** The replicas to ask: those not suspected, or all of them when fewer than {@code w} are up. */
  private List<NodeClient> targets(List<NodeClient> replicas, int w) {
    List<NodeClient> up = new ArrayList<>(replicas.size());
    for (NodeClient r : replicas) {
      if (!detector.suspected(r.node().id())) up.add(r);
    }
    return up.size() >= w ? up : replicas;
  }

  private Future<Done> round(
      ClusterView view,
      List<NodeClient> targets,
      String key,
      byte[] value,
      long expiresAt,
      int w,
      int round) {
    long version = RouterClock.next();
    Buffer body =
        RecordBatch.append(
            Buffer.buffer(),
            key.getBytes(StandardCharsets.UTF_8),
            value,
            version,
            RouterClock.WRITER,
            expiresAt);
    Tally tally = new Tally(targets.size(), w, version);
    for (NodeClient node : targets) {
      node.call(view.tag(), HttpMethod.POST, "/internal/replicate", RecordBatch.CONTENT_TYPE, body)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  KvException e = node.noteFailure(ar.cause());
                  detector.failed(node.node().id(), e.getMessage());
                  tally.failed(e);
                  return;
                }
                NodeReply reply = ar.result();
                StaleView stale = StaleView.of(node, reply);
                if (stale != null) {
                  tally.failed(stale);
                } else if (reply.status() != 200) {
                  tally.failed(passOn(node, reply));
                } else {
                  tally.answered(
                      new JsonObject(reply.body()).getJsonArray("results").getJsonObject(0));
                }
              });
    }
    return tally
        .done
        .future()
        .recover(
            e -> {
              if (e instanceof Older older && round < MAX_ROUNDS) {
                RouterClock.observe(older.version);
                return round(view, targets, key, value, expiresAt, w, round + 1);
              }
              if (e instanceof Older older) return Future.failedFuture(older.asUnavailable());
              return Future.failedFuture(e);
            });
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
    final int asked;
    final int w;
    final long version;
    int acks;
    int answers;
    boolean priorLive;
    long newerSeen;
    RuntimeException firstFailure;
    NodeError nodeError;
    StaleView stale;

    Tally(int asked, int w, long version) {
      this.asked = asked;
      this.w = w;
      this.version = version;
    }

    void answered(JsonObject result) {
      answers++;
      boolean applied = result.getBoolean("applied", false);
      long heldVersion = result.getLong("version", 0L);
      int heldWriter = (int) (long) result.getLong("writer", 0L);
      if (applied || (heldVersion == version && heldWriter == RouterClock.WRITER)) {
        acks++;
        if (applied && "live".equals(result.getString("prior"))) priorLive = true;
      } else {
        newerSeen = Math.max(newerSeen, heldVersion);
      }
      settle();
    }

    void failed(RuntimeException e) {
      answers++;
      if (e instanceof StaleView s) stale = s;
      else if (e instanceof NodeError n) nodeError = n;
      else if (firstFailure == null) firstFailure = e;
      settle();
    }

    private void settle() {
      if (done.future().isComplete()) return;
      if (acks >= w) {
        done.complete(new Done(version, priorLive));
      } else if (answers == asked) {
        if (nodeError != null) done.fail(nodeError);
        else if (stale != null) done.fail(stale);
        else if (newerSeen > 0) done.fail(new Older(newerSeen, acks, asked, w));
        else {
          String why = firstFailure == null ? "no answer" : firstFailure.getMessage();
          done.fail(notReached(acks, asked, w, why));
        }
      }
    }
  }

  /** A replica's 4xx is the answer (the node's own error, unchanged). */
  private static Future<NodeReply> nodeErrorAsReply(Throwable e) {
    return e instanceof NodeError n ? Future.succeededFuture(n.reply) : Future.failedFuture(e);
  }
}
