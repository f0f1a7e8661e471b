package io.pxkv.router.query;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.query.IndexQuery;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.listing.ReplicaCoverage;
import io.pxkv.router.routing.Rerouting;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /query?index=NAME&min=&max=} / {@code &eq=} / {@code &prefix=}, with {@code limit} and
 * {@code cursor}: pages of live pairs in index order (the indexed value, then the key), each key
 * once at its newest version, merged from every node that may hold keys.
 *
 * <p>A page asks every node at once for its next {@code limit + 1} pairs after the cursor's
 * position and merges them in index order. A node that sent them all may hold more after its last,
 * so the merge only takes pairs up to the smallest such last position: at least the {@code limit}
 * pairs of that node, so every page moves on. The page is the first {@code limit} pairs taken; the
 * cursor is the position of the last of them, given whenever a node had more or pairs were left
 * over. While keys move, a pair of a key that may sit on several nodes is read on all of them and
 * listed only from the one with its newest write; with replicas, a pair fewer than N - W + 1
 * replicas sent (one of them down or stale) is read on its replicas the same way ({@link
 * NodeHits#current}). Such a page may come out short, but its cursor goes on from where it stopped.
 * With replicas, a node that cannot be reached is left out while the others hold every key at least
 * R times ({@link NodeHits#covered}).
 *
 * <p>Bad parameters are {@code 400}; an index being built is {@code 503 index_building} (the nodes
 * say so); a node that cannot be reached is 503/504; a {@code 409 stale_view} routes the page again
 * from the same cursor. Runs on the verticle's event loop.
 */
public final class RangePage {
  private final Rerouting rerouting;
  private final FailureDetector detector;

  /**
   * {@code detector}: nodes not asked while the others hold every key R times ({@link
   * ReplicaCoverage#suspected}).
   */
  public RangePage(Rerouting rerouting, FailureDetector detector) {
    this.rerouting = rerouting;
    this.detector = detector;
  }

  public void handle(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    int limit = Cursors.parseLimit(request.getParam("limit"));
    HttpServerResponse response = request.response();
    rerouting
        .routed(view -> page(view, request, limit))
        .onSuccess(
            body -> response.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(body))
        .onFailure(e -> ErrorResponses.send(response, e));
  }

  private Future<Buffer> page(ClusterView view, HttpServerRequest request, int limit) {
    IndexQuery query = IndexQuery.parse(request::getParam, view.config()::index);
    boolean numbers = view.config().index(query.index()).type() == IndexSpec.Type.NUMBER;
    String raw = request.getParam("cursor");
    QueryCursor cursor = raw == null ? null : QueryCursor.decode(raw, query, numbers);
    // One more than the page: a node that has it may hold more after its last pair.
    String uri = uri(query, cursor, limit + 1);
    List<NodeClient> nodes = view.clients();
    List<Future<Answer>> calls = new ArrayList<>(nodes.size());
    Set<String> notAsked = ReplicaCoverage.suspected(view, detector);
    for (NodeClient node : nodes) {
      if (notAsked.contains(node.node().id())) {
        calls.add(Future.failedFuture(ReplicaCoverage.notAsked(node)));
        continue;
      }
      calls.add(
          node.call(view.tag(), HttpMethod.GET, uri, null, null)
              .map(
                  reply -> {
                    List<QueryHit> hits = NodeHits.parse(node, reply);
                    return new Answer(hits, hits.size() > limit);
                  }));
    }
    return NodeHits.covered(view, nodes, calls)
        .compose(answers -> merge(view, query, answers, limit));
  }

  /** One node's page: its hits and whether it may hold more after them. */
  private record Answer(List<QueryHit> hits, boolean more) {}

  private static Future<Buffer> merge(
      ClusterView view, IndexQuery query, NodeHits.Answers<Answer> answers, int limit) {
    QueryHit bound = null;
    boolean anyMore = false;
    List<QueryHit> all = new ArrayList<>();
    List<List<QueryHit>> sentBy = new ArrayList<>();
    for (Answer a : answers.answers()) {
      if (a == null) continue; // a node left out (NodeHits#covered)
      sentBy.add(a.hits());
      all.addAll(a.hits());
      if (a.more() && !a.hits().isEmpty()) {
        anyMore = true;
        QueryHit last = a.hits().get(a.hits().size() - 1);
        if (bound == null || QueryHit.INDEX_ORDER.compare(last, bound) < 0) bound = last;
      }
    }
    all.sort(QueryHit.INDEX_ORDER);
    List<QueryHit> taken = new ArrayList<>(limit);
    boolean leftOver = false;
    QueryHit previous = null;
    for (QueryHit h : all) {
      if (bound != null && QueryHit.INDEX_ORDER.compare(h, bound) > 0) break;
      // Two copies of one write (a key copied but not yet handed off) sit side by side.
      if (previous != null && QueryHit.INDEX_ORDER.compare(h, previous) == 0) {
        if (h.newerThan(previous)) taken.set(taken.size() - 1, h);
        continue;
      }
      if (taken.size() == limit) {
        leftOver = true;
        break;
      }
      taken.add(h);
      previous = h;
    }
    QueryHit last = taken.isEmpty() ? null : taken.get(taken.size() - 1);
    boolean more = (anyMore || leftOver) && last != null;
    return NodeHits.current(
            view, NodeHits.newestPerKey(taken), NodeHits.sent(sentBy), answers.missing())
        .map(hits -> body(hits, more ? new QueryCursor(last.at(), last.key(), query) : null));
  }

  private static Buffer body(List<QueryHit> hits, QueryCursor cursor) {
    Buffer body = Buffer.buffer(256).appendString("{\"items\":[");
    for (int i = 0; i < hits.size(); i++) {
      QueryHit h = hits.get(i);
      if (i > 0) body.appendByte((byte) ',');
      body.appendString("{\"key\":")
          .appendBytes(KvJson.quote(h.key()))
          .appendString(",\"value\":")
          .appendBuffer(h.value())
          .appendString(",\"version\":")
          .appendString(Long.toString(h.version()))
          .appendByte((byte) '}');
    }
    body.appendByte((byte) ']');
    if (cursor != null) {
      body.appendString(",\"cursor\":").appendBytes(KvJson.quote(cursor.encode()));
    }
    return body.appendByte((byte) '}');
  }

  /** The node call for this page. */
  private static String uri(IndexQuery q, QueryCursor cursor, int limit) {
    StringBuilder uri = new StringBuilder("/internal/query?index=").append(enc(q.index()));
    if (q.min() != null) uri.append("&min=").append(enc(num(q.min())));
    if (q.max() != null) uri.append("&max=").append(enc(num(q.max())));
    if (q.eq() != null) uri.append("&eq=").append(enc(q.eq()));
    if (q.prefix() != null) uri.append("&prefix=").append(enc(q.prefix()));
    uri.append("&limit=").append(limit);
    if (cursor != null) {
      Object v = cursor.value();
      uri.append("&av=").append(enc(v instanceof Double d ? num(d) : (String) v));
      uri.append("&ak=").append(enc(cursor.key()));
    }
    return uri.toString();
  }

  /** A double as a JSON number that parses back to exactly it. */
  private static String num(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    return Double.toString(d).replace("E", "e");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
