package io.pxkv.router.forward;

import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KvJson;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /kv?prefix=&limit=&cursor=} across the cluster. The router's cursor names a node and
 * that node's cursor; a page is filled by asking the current node for as many items as are still
 * missing, then moving on to the next node in config order when that node is done, until the page
 * is full or the last node is done. Each key lives on one node and each node's own paging lists it
 * once, so following the cursors lists every matching key exactly once. The cursor is absent on the
 * last page (which may be empty when the previous page ended exactly at a node's end).
 *
 * <p>A node's error answer (say, a bad prefix) is passed through unchanged; a node that cannot be
 * reached fails the page with 503 or 504. Runs on the verticle's event loop.
 */
final class PagedListing {

  void handle(HttpServerRequest request, ClusterView view) {
    String prefix = request.getParam("prefix", "");
    int limit = Cursors.parseLimit(request.getParam("limit"));
    String rawCursor = request.getParam("cursor");
    Fill fill = new Fill(view.clients(), view.tag(), prefix, limit);
    if (rawCursor != null) {
      RouterCursor cursor = RouterCursor.decode(rawCursor);
      fill.nodeIndex = cursor.nodeIndex(view);
      fill.nodeCursor = cursor.nodeCursor();
    }
    HttpServerResponse response = request.response();
    fill.next()
        .onSuccess(reply -> ForwardingHandler.send(response, reply == null ? fill.body() : reply))
        .onFailure(e -> ErrorResponses.send(response, e));
  }

  /** The state of one page being filled; confined to one request on one event loop. */
  private static final class Fill {
    private final List<NodeClient> nodes;
    private final ViewTag tag;
    private final String prefixParam;
    private final Buffer items = Buffer.buffer(256);
    private int remaining;
    private int nodeIndex;
    private String nodeCursor;

    Fill(List<NodeClient> nodes, ViewTag tag, String prefix, int limit) {
      this.nodes = nodes;
      this.tag = tag;
      this.prefixParam = "/kv?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8);
      this.remaining = limit;
    }

    /** Completes with null when the page is built, or with a node's non-200 answer to pass on. */
    Future<NodeReply> next() {
      if (remaining == 0 || nodeIndex >= nodes.size()) {
        return Future.succeededFuture();
      }
      NodeClient node = nodes.get(nodeIndex);
      String uri = prefixParam + "&limit=" + remaining;
      if (nodeCursor != null) {
        uri += "&cursor=" + URLEncoder.encode(nodeCursor, StandardCharsets.UTF_8);
      }
      return node.call(tag, HttpMethod.GET, uri, null, null)
          .compose(
              reply -> {
                if (reply.status() != 200) {
                  return Future.succeededFuture(reply);
                }
                NodePage page = NodePage.parse(reply.body(), node.node());
                if (page.count() > 0) {
                  if (items.length() > 0) {
                    items.appendByte((byte) ',');
                  }
                  items.appendBuffer(page.items());
                  remaining -= Math.min(remaining, page.count());
                }
                if (page.cursor() == null) {
                  nodeIndex++;
                  nodeCursor = null;
                } else {
                  nodeCursor = page.cursor();
                }
                return next();
              });
    }

    NodeReply body() {
      Buffer body = Buffer.buffer(items.length() + 96).appendString("{\"items\":[");
      body.appendBuffer(items).appendByte((byte) ']');
      if (nodeIndex < nodes.size()) {
        String id = nodes.get(nodeIndex).node().id();
        body.appendString(",\"cursor\":")
            .appendBytes(KvJson.quote(new RouterCursor(id, nodeCursor).encode()));
      }
      body.appendByte((byte) '}');
      return new NodeReply(200, Headers.APPLICATION_JSON.toString(), body);
    }
  }
}
