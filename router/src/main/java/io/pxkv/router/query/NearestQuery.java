package io.pxkv.router.query;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.query.KnnQuery;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.listing.ReplicaCoverage;
import io.pxkv.router.routing.Rerouting;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /query/knn} body {@code {"index":NAME,"vector":[...],"k":10,"prefix":"optional"}}:
 * the {@code k} live pairs nearest the vector by the index's metric, nearest first, as {@code
 * {"items":[{"key","value","score"}...]}}. Exact: every node scans all its vectors and returns its
 * own nearest {@code k}; the global nearest {@code k} are among them. Each key once, at its newest
 * version (read on every holder while keys move, and with replicas read on its replicas unless N -
 * W + 1 of them sent it: {@link NodeHits#current}); a hit dropped as stale leaves room that the
 * replicas holding the key's newest write filled with their own nearest. With replicas, a node that
 * cannot be reached is left out while the others hold every key at least R times ({@link
 * NodeHits#covered}). Runs on the verticle's event loop.
 */
public final class NearestQuery {
  /** A query body is a vector of at most 4096 numbers: far below this. */
  private static final long MAX_BODY = 1024 * 1024;

  private final Rerouting rerouting;
  private final FailureDetector detector;

  /**
   * {@code detector}: nodes not asked while the others hold every key R times ({@link
   * ReplicaCoverage#suspected}).
   */
  public NearestQuery(Rerouting rerouting, FailureDetector detector) {
    this.rerouting = rerouting;
    this.detector = detector;
  }

  public void handle(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY)
        .compose(body -> rerouting.routed(view -> nearest(view, body)))
        .onSuccess(
            out ->
                request
                    .response()
                    .putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON)
                    .end(out))
        .onFailure(e -> ErrorResponses.send(request.response(), e));
  }

  private Future<Buffer> nearest(ClusterView view, Buffer body) {
    KnnQuery query = KnnQuery.parse(body, view.config()::index);
    IndexSpec spec = view.config().index(query.index());
    // Checked here, so every node gets the client's own body: no floats printed again.
    Buffer ask = body;
    List<NodeClient> nodes = view.clients();
    List<Future<List<QueryHit>>> calls = new ArrayList<>(nodes.size());
    Set<String> notAsked = ReplicaCoverage.suspected(view, detector);
    for (NodeClient node : nodes) {
      if (notAsked.contains(node.node().id())) {
        calls.add(Future.failedFuture(ReplicaCoverage.notAsked(node)));
        continue;
      }
      calls.add(
          node.call(view.tag(), HttpMethod.POST, "/internal/knn", "application/json", ask)
              .map(reply -> NodeHits.parse(node, reply)));
    }
    Comparator<QueryHit> nearestFirst =
        spec.metric().higherIsNearer()
            ? (a, b) -> Float.compare(b.score(), a.score())
            : (a, b) -> Float.compare(a.score(), b.score());
    return NodeHits.covered(view, nodes, calls)
        .compose(
            answers -> {
              List<QueryHit> all = new ArrayList<>();
              for (List<QueryHit> a : answers.answers()) {
                if (a != null) all.addAll(a);
              }
              List<QueryHit> once = new ArrayList<>(NodeHits.newestPerKey(all));
              once.sort(nearestFirst.thenComparing(QueryHit::key));
              return nearestCurrent(
                  view,
                  once,
                  NodeHits.sent(answers.answers()),
                  answers.missing(),
                  query.k(),
                  0,
                  new ArrayList<>());
            })
        .map(hits -> body(hits.subList(0, Math.min(query.k(), hits.size()))));
  }

  /**
   * The first {@code k} of {@code hits} (nearest first) that are their key's newest write, checked
   * ({@link NodeHits#current}) only as far as needed: the next {@code k - kept} from {@code from},
   * again while some were dropped.
   */
  private static Future<List<QueryHit>> nearestCurrent(
      ClusterView view,
      List<QueryHit> hits,
      Map<NodeHits.Stamp, Integer> sent,
      Set<String> missing,
      int k,
      int from,
      List<QueryHit> kept) {
    if (kept.size() >= k || from >= hits.size()) return Future.succeededFuture(kept);
    int to = Math.min(hits.size(), from + k - kept.size());
    return NodeHits.current(view, hits.subList(from, to), sent, missing)
        .compose(
            current -> {
              kept.addAll(current);
              return nearestCurrent(view, hits, sent, missing, k, to, kept);
            });
  }

  private static Buffer body(List<QueryHit> hits) {
    Buffer out = Buffer.buffer(256).appendString("{\"items\":[");
    for (int i = 0; i < hits.size(); i++) {
      QueryHit h = hits.get(i);
      if (i > 0) out.appendByte((byte) ',');
      out.appendString("{\"key\":")
          .appendBytes(KvJson.quote(h.key()))
          .appendString(",\"value\":")
          .appendBuffer(h.value())
          .appendString(",\"score\":")
          .appendString(Float.toString(h.score()))
          .appendByte((byte) '}');
    }
    return out.appendString("]}");
  }
}
