package io.pxkv.router.query;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.routing.MovingReads;
import io.pxkv.router.routing.NodeAnswers.Held;
import io.pxkv.router.routing.StaleView;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the router does with nodes' query answers, shared by range and nearest-neighbour queries.
 */
final class NodeHits {
  private NodeHits() {}

  /** A node's hits, or the failure its answer stands for. */
  static List<QueryHit> parse(NodeClient node, NodeReply reply) {
    if (reply.status() != 200) throw refused(node, reply);
    try {
      return QueryHit.parseAll(reply.body());
    } catch (IllegalArgumentException e) {
      throw new KvException(
          ErrorCode.NODE_UNAVAILABLE,
          "node "
              + node.node().id()
              + " sent a query answer the router cannot use: "
              + e.getMessage());
    }
  }

  /**
   * A stale-view refusal (routed again), a node's own client or building error passed on as it is,
   * or a 503 naming the node.
   */
  static RuntimeException refused(NodeClient node, NodeReply reply) {
    StaleView stale = StaleView.of(node, reply);
    if (stale != null) return stale;
    try {
      JsonObject error = new JsonObject(reply.body());
      ErrorCode code = ErrorCode.byCode(error.getString("error"));
      if (code.isClientError() || code == ErrorCode.INDEX_BUILDING) {
        return new KvException(code, error.getString("message"));
      }
    } catch (RuntimeException ignored) {
      // not an error body: said as it came below
    }
    String said =
        reply.body().length() > 200 ? reply.body().getString(0, 200) : reply.body().toString();
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "node " + node.node().id() + " answered " + reply.status() + " to a query: " + said);
  }

  /** Fails as the first failed call did, a stale view first (the query is routed again). */
  static <T> Future<List<T>> all(List<Future<T>> calls) {
    return Future.join(calls)
        .transform(
            done -> {
              Throwable first = null;
              for (Future<T> c : calls) {
                if (c.cause() instanceof StaleView stale) return Future.failedFuture(stale);
                if (c.failed() && first == null) first = c.cause();
              }
              if (first != null) return Future.failedFuture(first);
              List<T> out = new ArrayList<>(calls.size());
              for (Future<T> c : calls) out.add(c.result());
              return Future.succeededFuture(out);
            });
  }

  /** {@code hits} with each key once, at its newest version among them, in their order. */
  static List<QueryHit> newestPerKey(List<QueryHit> hits) {
    Map<String, QueryHit> newest = new HashMap<>();
    for (QueryHit h : hits) newest.merge(h.key(), h, (a, b) -> b.newerThan(a) ? b : a);
    List<QueryHit> out = new ArrayList<>(newest.size());
    for (QueryHit h : hits) {
      if (newest.get(h.key()) == h) out.add(h);
    }
    return out;
  }

  /**
   * While keys move, a hit of a key that may sit on several nodes is kept only if no holder has a
   * newer write of it (that write, if it matches, is found at its own place in index order); a
   * settled view needs no check. Keeps the order.
   */
  static Future<List<QueryHit>> current(ClusterView view, List<QueryHit> hits) {
    if (!view.moving()) return Future.succeededFuture(hits);
    List<Future<Boolean>> checks = new ArrayList<>(hits.size());
    for (QueryHit h : hits) {
      List<NodeClient> holders = view.holdersOf(h.key());
      if (holders.size() == 1) {
        checks.add(Future.succeededFuture(true));
      } else {
        checks.add(
            MovingReads.newest(view, h.key(), holders)
                .map(
                    read ->
                        read.held().state() == Held.State.LIVE
                            && read.held().version() == h.version()
                            && read.held().writer() == h.writer()));
      }
    }
    return all(checks)
        .map(
            keep -> {
              List<QueryHit> out = new ArrayList<>(hits.size());
              for (int i = 0; i < hits.size(); i++) {
                if (keep.get(i)) out.add(hits.get(i));
              }
              return out;
            });
  }
}
