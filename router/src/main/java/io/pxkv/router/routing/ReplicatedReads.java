package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GETs of a replicated key: {@code GET /internal/read} (which reports a held tombstone with its
 * version) to {@code r} of the key's replicas, suspected ones last; a replica that fails is
 * replaced by the next one not asked yet. Of the {@code r} answers the newest write wins (version,
 * then writer); a tombstone or nothing means 404. Fewer than {@code r} answers once every replica
 * was tried: {@code 503 quorum_not_reached}, naming how many answered.
 *
 * <p>A read still short of R answers after {@link #HEDGE_MS} asks one more replica (a hedged read):
 * a node that hangs, stopped or cut off, costs a read that much until the failure detector suspects
 * it, not the whole deadline.
 *
 * <p>An answer of nothing at all (no value, no tombstone) is weak evidence: a replica started on a
 * wiped data directory answers so for every key until anti-entropy has refilled it. When one of the
 * R answers is such, and a replica not asked yet is not suspected, it is asked too before the read
 * is decided, so a write acknowledged by the wiped replica and one other, which the third missed,
 * is still read. This costs a third call only for keys some replica holds nothing of (keys never
 * written, or deleted longer ago than the tombstone grace).
 *
 * <p>Read repair: a replica that answered with an older write, or with nothing, gets the newest one
 * in the background as {@code POST /internal/replicate} (stored only if still newer there); the
 * client's answer does not wait for it. Runs on the calling event loop.
 */
public final class ReplicatedReads {
  /** A read still short of R answers this long after it was sent asks one more replica. */
  static final long HEDGE_MS = 200;

  private final FailureDetector detector;

  public ReplicatedReads(FailureDetector detector) {
    this.detector = detector;
  }

  public Future<NodeReply> get(ClusterView view, String key, int r) {
    List<NodeClient> order = new ArrayList<>();
    List<NodeClient> later = new ArrayList<>();
    for (NodeClient n : view.replicasOf(key)) {
      (detector.suspected(n.node().id()) ? later : order).add(n);
    }
    order.addAll(later);
    Gather g = new Gather(view, key, order, r);
    for (int i = 0; i < Math.min(r, order.size()); i++) g.ask();
    if (order.size() > r) g.hedgeLater();
    return g.done.future();
  }

  /** The reads of one GET as they come. */
  private final class Gather {
    final ClusterView view;
    final String key;
    final String uri;
    final List<NodeClient> order;
    final int r;
    final Promise<NodeReply> done = Promise.promise();
    final List<NodeClient> answeredBy = new ArrayList<>();
    final List<ReplicaRead> answers = new ArrayList<>();
    final List<NodeReply> replies = new ArrayList<>();
    int next;
    int failures;

    /** Answers wanted before deciding: R, or R + 1 once an answer of nothing widened the read. */
    int want;

    String lastFailure;
    StaleView stale;

    Gather(ClusterView view, String key, List<NodeClient> order, int r) {
      this.view = view;
      this.key = key;
      this.order = order;
      this.r = r;
      this.want = r;
      this.uri = "/internal/read?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /**
     * A replica that has not answered after {@link #HEDGE_MS} may be hung (stopped, partitioned)
     * and not suspected yet: one more replica is asked then, and the first R answers count.
     */
    void hedgeLater() {
      Context context = Vertx.currentContext();
      if (context == null) return;
      Vertx vertx = context.owner();
      long timer =
          vertx.setTimer(
              HEDGE_MS,
              id -> {
                if (!done.future().isComplete() && next < order.size()) ask();
              });
      done.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    void ask() {
      NodeClient node = order.get(next++);
      node.call(view.tag(), HttpMethod.GET, uri, null, null)
          .onComplete(
              ar -> {
                if (done.future().isComplete()) return;
                if (ar.failed()) {
                  KvException e = node.noteFailure(ar.cause());
                  detector.failed(node.node().id(), e.getMessage());
                  failed(e.getMessage());
                  return;
                }
                NodeReply reply = ar.result();
                StaleView s = StaleView.of(node, reply);
                if (s != null) {
                  stale = s;
                  failed(s.getMessage());
                  return;
                }
                ReplicaRead read;
                try {
                  read = ReplicaRead.of(key, reply);
                } catch (IllegalArgumentException e) {
                  failed(node.node().id() + " answered " + reply.status() + " to a read");
                  return;
                }
                answeredBy.add(node);
                answers.add(read);
                replies.add(reply);
                if (answers.size() == r && widen()) return;
                if (answers.size() >= want) decide();
                else check();
              });
    }

    /**
     * With R answers in, one of them nothing at all: waits for one more, asking the next replica
     * unless one is in flight already (a hedge), for at most {@link #HEDGE_MS}. Whether it did.
     */
    private boolean widen() {
      boolean nothing = false;
      for (ReplicaRead a : answers) nothing |= a.state() == ReplicaRead.State.ABSENT;
      boolean inFlight = answers.size() + failures < next;
      boolean more = next < order.size() && !detector.suspected(order.get(next).node().id());
      if (!nothing || want > r || !(inFlight || more)) return false;
      want = r + 1;
      if (!inFlight) ask();
      // A hung replica not suspected yet costs the read a hedge's wait, not the deadline.
      Context context = Vertx.currentContext();
      if (context != null) {
        long timer =
            context
                .owner()
                .setTimer(
                    HEDGE_MS,
                    id -> {
                      if (!done.future().isComplete()) decide();
                    });
        done.future().onComplete(ar -> context.owner().cancelTimer(timer));
      }
      return true;
    }

    private void failed(String why) {
      failures++;
      lastFailure = why;
      if (next < order.size()) {
        ask();
      } else {
        check();
      }
    }

    /**
     * Every replica was asked and every one came back: decide with R answers or more (a widened
     * read whose extra replica failed), else give up.
     */
    private void check() {
      if (done.future().isComplete() || next < order.size() || answers.size() + failures < next) {
        return;
      }
      if (answers.size() >= r) {
        decide();
        return;
      }
      if (stale != null) {
        done.fail(stale);
        return;
      }
      done.fail(
          new KvException(
              ErrorCode.QUORUM_NOT_REACHED,
              answers.size()
                  + " of the "
                  + r
                  + " replicas a read needs answered ("
                  + lastFailure
                  + ")"));
    }

    private void decide() {
      int newest = 0;
      for (int i = 1; i < answers.size(); i++) {
        if (answers.get(i).newerThan(answers.get(newest))) newest = i;
      }
      ReplicaRead best = answers.get(newest);
      if (best.state() == ReplicaRead.State.LIVE) {
        done.complete(
            new NodeReply(
                200, replies.get(newest).contentType(), clientBody(replies.get(newest), best)));
      } else {
        done.fail(KvException.notFound(key));
      }
      if (best.state() == ReplicaRead.State.ABSENT) return;
      for (int i = 0; i < answers.size(); i++) {
        if (!answers.get(i).sameWrite(best)) repair(answeredBy.get(i), best);
      }
    }

    private void repair(NodeClient node, ReplicaRead best) {
      Buffer body =
          RecordBatch.append(
              Buffer.buffer(),
              key.getBytes(StandardCharsets.UTF_8),
              best.value(),
              best.version(),
              best.writer(),
              best.expiresAt());
      node.call(view.tag(), HttpMethod.POST, "/internal/replicate", RecordBatch.CONTENT_TYPE, body)
          .onFailure(e -> detector.failed(node.node().id(), e.getMessage()));
    }
  }

  /** The node's live answer without its {@code "writer"}, which is the router's business. */
  private static Buffer clientBody(NodeReply reply, ReplicaRead read) {
    Buffer body = reply.body();
    String marker = ",\"version\":" + read.version() + ",\"writer\":";
    int from = Math.max(0, body.length() - 160);
    String tail = body.getString(from, body.length());
    int at = tail.lastIndexOf(marker);
    int writerEnd = tail.indexOf(',', at + marker.length());
    if (writerEnd < 0) writerEnd = tail.length() - 1; // no expiresAt: up to the closing brace
    int cutFrom =
        body.length() - (tail.length() - at) + (",\"version\":" + read.version()).length();
    int cutTo = body.length() - (tail.length() - writerEnd);
    return body.getBuffer(0, cutFrom).appendBuffer(body.getBuffer(cutTo, body.length()));
  }
}
