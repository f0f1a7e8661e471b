package io.pxkv.router.forward;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.StatusHandler;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whole-cluster backup and restore through the router, in the nodes' JSON-lines format ({@code
 * {"key":K,"value":V,"version":N}} per line).
 *
 * <ul>
 *   <li>{@code GET /admin/export} streams each node's {@code /admin/export} in turn, with
 *       backpressure; a node failing mid-stream resets the connection, so a cut backup never looks
 *       complete.
 *   <li>{@code POST /admin/import} reads lines as they arrive and stores each pair on its owner
 *       with an ordinary PUT, a bounded number at a time, so a backup restores onto a cluster of
 *       any size and shape. It stops at the first bad line or failed write, naming the line.
 * </ul>
 *
 * <p>While keys move between nodes, an export may list a key twice (once per copy). Runs on the
 * router's event loop.
 */
public final class ClusterBackup {
  private final Supplier<ClusterView> view;
  private final ValueLimits limits;

  public ClusterBackup(Supplier<ClusterView> view, ValueLimits limits) {
    this.view = view;
    this.limits = limits;
  }

  public void export(HttpServerRequest request) {
    HttpServerResponse out = request.response();
    out.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON);
    exportFrom(view.get().clients(), 0, out);
  }

  private void exportFrom(List<NodeClient> nodes, int index, HttpServerResponse out) {
    if (index == nodes.size()) {
      out.end();
      return;
    }
    NodeClient node = nodes.get(index);
    node.stream("/admin/export")
        .onSuccess(
            in -> {
              if (in.statusCode() != 200) {
                NodeClient.discard(in);
                out.reset();
                return;
              }
              pipe(in, out, () -> exportFrom(nodes, index + 1, out), node);
            })
        .onFailure(e -> out.reset());
  }

  /** Copies one node's body into {@code out}, pausing the node while the client is behind. */
  private static void pipe(
      HttpClientResponse in, HttpServerResponse out, Runnable next, NodeClient node) {
    in.handler(
        chunk -> {
          out.write(chunk);
          if (out.writeQueueFull()) {
            in.pause();
            out.drainHandler(v -> in.resume());
          }
        });
    in.exceptionHandler(
        e -> {
          node.noteFailure(e);
          out.reset();
        });
    in.endHandler(v -> next.run());
  }

  public void importLines(HttpServerRequest request) {
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> KvJson.parsePutBody(line, limits),
            put -> putOnOwner(put))
        .onSuccess(
            counts ->
                StatusHandler.json(
                    request.response(), new JsonObject().put("imported", counts.applied())))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  private Future<Boolean> putOnOwner(KvJson.PutBody put) {
    Buffer body =
        Buffer.buffer("{\"key\":")
            .appendBytes(KvJson.quote(put.key()))
            .appendString(",\"value\":")
            .appendBytes(put.value())
            .appendString("}");
    ClusterView current = view.get();
    NodeClient owner = current.ownerOf(put.key());
    return current
        .writes()
        .track(owner.call(HttpMethod.PUT, "/kv", Headers.APPLICATION_JSON.toString(), body))
        .compose(
            reply -> {
              if (reply.status() / 100 == 2) return Future.succeededFuture(true);
              return Future.failedFuture(nodeError(owner, reply));
            });
  }

  /** The node's own JSON error, re-raised with its code. */
  private static KvException nodeError(NodeClient node, NodeReply reply) {
    try {
      JsonObject error = new JsonObject(reply.body());
      return new KvException(
          ErrorCode.byCode(error.getString("error")), error.getString("message"));
    } catch (RuntimeException notJson) {
      return new KvException(ErrorCode.INTERNAL, node.node().id() + " answered " + reply.status());
    }
  }
}
