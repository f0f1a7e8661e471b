package io.pxkv.node.http;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.query.IndexQuery;
import io.pxkv.common.query.KnnQuery;
import io.pxkv.node.cluster.Membership;
import io.pxkv.node.index.NodeIndexes;
import io.pxkv.node.index.NodeIndexes.Hit;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The node's side of the router's queries (docs/API.md, "Internal calls"), over this node's keys
 * only; the router merges every node's answer.
 *
 * <ul>
 *   <li>{@code GET /internal/query?index=&min=&max=&eq=&prefix=&limit=N&av=&ak=}: up to N live
 *       pairs in index order, strictly after the position (value {@code av}, key {@code ak}) if
 *       given, as {@code application/x-ndjson} lines {@code {"key":K,"version":N,"writer":W,"at":X,
 *       "value":V}}; header {@code X-Pxkv-More: 1} when the index holds more.
 *   <li>{@code POST /internal/knn} with the {@link KnnQuery} body: this node's k nearest live
 *       pairs, nearest first, as lines {@code
 *       {"key":K,"version":N,"writer":W,"score":S,"value":V}}.
 * </ul>
 *
 * The indexes are those of the view the node serves (synced here, so a query right after a view
 * change sees it). The work runs on a worker: hits are re-read from the engine.
 */
public final class QueryHandler {
  private static final long MAX_BODY = 1024 * 1024;

  private final Vertx vertx;
  private final NodeIndexes indexes;
  private final Membership membership;

  public QueryHandler(Vertx vertx, NodeIndexes indexes, Membership membership) {
    this.vertx = vertx;
    this.indexes = indexes;
    this.membership = membership;
  }

  /** Makes the indexes those of the view this node serves. */
  public static void sync(NodeIndexes indexes, Membership membership) {
    ClusterState open = membership.openState();
    indexes.declare(open == null ? List.of() : open.target().indexes());
  }

  public void range(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    sync(indexes, membership);
    IndexQuery query = IndexQuery.parse(request::getParam, indexes::spec);
    int limit = limit(request.getParam("limit"));
    String afterKey = request.getParam("ak");
    Object afterValue = null;
    if (afterKey != null) {
      String raw = request.getParam("av");
      afterValue =
          indexes.spec(query.index()).type() == IndexSpec.Type.NUMBER
              ? IndexQuery.number("av", raw)
              : raw;
      if (afterValue == null)
        throw new io.pxkv.common.error.KvException(
            io.pxkv.common.error.ErrorCode.INVALID_REQUEST, "ak needs av");
    }
    Object after = afterValue;
    vertx
        .executeBlocking(() -> indexes.range(query, after, afterKey, limit), false)
        .onSuccess(page -> send(request, page.hits(), true))
        .onFailure(e -> ErrorResponses.send(request.response(), e));
  }

  /** 1..MAX_LIMIT + 1: a router asks one more than its page to learn whether more follow. */
  private static int limit(String raw) {
    if (raw == null) return Cursors.DEFAULT_LIMIT;
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= Cursors.MAX_LIMIT + 1) return limit;
    } catch (NumberFormatException e) {
      // said below
    }
    throw new io.pxkv.common.error.KvException(
        io.pxkv.common.error.ErrorCode.INVALID_LIMIT,
        "limit must be 1.." + (Cursors.MAX_LIMIT + 1) + " (was '" + raw + "')");
  }

  public void knn(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    sync(indexes, membership);
    BodyReader.read(request, MAX_BODY)
        .compose(
            body -> {
              KnnQuery query = KnnQuery.parse(body, indexes::spec);
              return vertx.executeBlocking(() -> indexes.nearest(query), false);
            })
        .onSuccess(hits -> send(request, hits, false))
        .onFailure(e -> ErrorResponses.send(request.response(), e));
  }

  private static void send(HttpServerRequest request, List<Hit> hits, boolean positions) {
    Buffer out = Buffer.buffer(256 + hits.size() * 128);
    for (Hit h : hits) {
      out.appendString("{\"key\":")
          .appendBytes(KvJson.quote(h.key()))
          .appendString(",\"version\":")
          .appendString(Long.toString(h.version()))
          .appendString(",\"writer\":")
          .appendString(Integer.toUnsignedString(h.writer()));
      if (positions) {
        out.appendString(",\"at\":");
        if (h.at() instanceof Double d) out.appendString(Double.toString(d));
        else out.appendBytes(KvJson.quote((String) h.at()));
      } else {
        out.appendString(",\"score\":").appendString(Float.toString(h.score()));
      }
      // The value's length first, so the router cuts the value out instead of parsing it.
      out.appendString(",\"valueBytes\":")
          .appendString(Integer.toString(h.value().length))
          .appendString(",\"value\":")
          .appendBytes(h.value())
          .appendString("}\n");
    }
    request.response().putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON).end(out);
  }
}
