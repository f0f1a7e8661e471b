package io.pxkv.router.query;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.listing.ReplicaCoverage;
import io.pxkv.router.routing.MovingReads;
import io.pxkv.router.routing.NodeAnswers.Held;
import io.pxkv.router.routing.StaleView;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /**
   * The nodes' answers, in the order of {@code nodes}, null for a node left out, and the ids of
   * those left out. A node whose call failed (it cannot be reached, answered 503, or is still
   * building the index) is left out when the others hold every key at least R times ({@link
   * ReplicaCoverage}); else the query fails as the first failed call did. A stale view fails it
   * first (the query is routed again); a node's client error (a bad query) is the answer.
   */
  static <T> Future<Answers<T>> covered(
      ClusterView view, List<NodeClient> nodes, List<Future<T>> calls) {
    return Future.join(calls)
        .transform(
            done -> {
              Throwable first = null;
              Set<String> missing = new HashSet<>();
              for (int i = 0; i < calls.size(); i++) {
                Future<T> c = calls.get(i);
                if (c.cause() instanceof StaleView stale) return Future.failedFuture(stale);
                if (!c.failed()) continue;
                if (first == null) first = c.cause();
                if (c.cause() instanceof KvException e && e.code().isClientError()) {
                  return Future.failedFuture(e);
                }
                missing.add(nodes.get(i).node().id());
              }
              if (!ReplicaCoverage.enough(view, missing)) return Future.failedFuture(first);
              List<T> out = new ArrayList<>(calls.size());
              for (Future<T> c : calls) out.add(c.succeeded() ? c.result() : null);
              return Future.succeededFuture(new Answers<>(out, missing));
            });
  }

  /** The answers of the nodes of a query, null for those left out, and their ids. */
  record Answers<T>(List<T> answers, Set<String> missing) {}

  /** Fails as the first failed call did, a stale view first. */
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

  /** How many nodes sent each write (key, version, writer) among {@code answers}. */
  static Map<Stamp, Integer> sent(List<List<QueryHit>> answers) {
    Map<Stamp, Integer> sent = new HashMap<>();
    for (List<QueryHit> hits : answers) {
      if (hits == null) continue;
      for (QueryHit h : hits) sent.merge(Stamp.of(h), 1, Integer::sum);
    }
    return sent;
  }

  /** One write of a key. */
  record Stamp(String key, long version, int writer) {
    static Stamp of(QueryHit h) {
      return new Stamp(h.key(), h.version(), h.writer());
    }
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
   * The hits of {@code hits} that are their key's newest write, in their order. A node's index
   * knows only its own copies: while keys move, or on a replica that missed writes, a hit may be an
   * old value of a key written since (perhaps no longer matching) or deleted since. So:
   *
   * <ul>
   *   <li>With one copy of each key, a settled view needs no check; while keys move, a hit of a key
   *       that may sit on several nodes is read on all of them.
   *   <li>With replicas, a hit that {@code N - W + 1} replicas sent ({@code sent}) is the newest
   *       acknowledged write: a newer one is on at least W replicas, and no replica holds two. Any
   *       other hit (a replica down, or stale) is read on the key's replicas that answered the
   *       query (and its other holders while keys move), and kept only if it is the newest there. A
   *       healthy cluster's hits are sent by all N: no read.
   * </ul>
   *
   * A kept hit is that newest write; if the newest write also matches, the nodes that hold it sent
   * it in its own place in index order. Keeps the order.
   */
  static Future<List<QueryHit>> current(
      ClusterView view, List<QueryHit> hits, Map<Stamp, Integer> sent, Set<String> missing) {
    if (!view.moving() && !view.replicated()) return Future.succeededFuture(hits);
    int enough = view.replicas().copies() - view.config().writeQuorum() + 1;
    List<Future<Boolean>> checks = new ArrayList<>(hits.size());
    for (QueryHit h : hits) {
      List<NodeClient> holders = holders(view, h.key(), missing);
      boolean confirmed =
          view.replicated() && !view.moving() && sent.getOrDefault(Stamp.of(h), 0) >= enough;
      if (confirmed || holders.size() <= 1 && !view.replicated()) {
        checks.add(Future.succeededFuture(true));
      } else if (holders.isEmpty()) {
        checks.add(Future.succeededFuture(false));
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

  /**
   * The nodes that may hold {@code key}, its owner first: its holders, then (with replicas) its
   * other replicas, without the nodes left out of the query.
   */
  private static List<NodeClient> holders(ClusterView view, String key, Set<String> missing) {
    Set<NodeClient> all = new LinkedHashSet<>(view.holdersOf(key));
    if (view.replicated()) all.addAll(view.replicasOf(key));
    List<NodeClient> out = new ArrayList<>(all.size());
    for (NodeClient n : all) {
      if (!missing.contains(n.node().id())) out.add(n);
    }
    return out;
  }
}
