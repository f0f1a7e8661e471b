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

/**
 * Whole-cluster backup and restore through the router, in the nodes' JSON-lines format ({@code
 * {"key":K,"value":V,"version":N}} per line).
 *
 * <ul>
 *   <li>{@code GET /admin/export} streams each node's {@code /admin/export} in turn, with
 *       backpressure; a node failing mid-stream resets the connection, so a cut backup never looks
 *       complete.
 *   <li>{@code POST /admin/import} reads lines as they arrive and sends each to its key's owner's
 *       {@code /admin/import}, a bounded number at a time, so a backup restores onto a cluster of
 *       any size and shape: a line with a {@code version} is imported keeping its version (so a
 *       restore never undoes a later write or delete), one without is an ordinary PUT. It stops at
 *       the first bad line or failed write, naming the line.
 * </ul>
 *
 * <p>While keys move between nodes, an export may list a key twice (once per copy). Runs on the
 * router's event loop.
 */
public final class ClusterBackup {
  private final Views views;
  private final Rerouting rerouting;
  private final ValueLimits limits;

  public ClusterBackup(Views views, ValueLimits limits, long timeoutMs) {
    this.views = views;
    this.rerouting = new Rerouting(views, timeoutMs);
    this.limits = limits;
  }

  public void export(HttpServerRequest request) {
    HttpServerResponse out = request.response();
    out.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_NDJSON);
    ClusterView current = views.current();
    if (current == null) {
      out.reset();
      return;
    }
    exportFrom(current.clients(), current.tag(), 0, out);
  }

  private void exportFrom(List<NodeClient> nodes, ViewTag tag, int index, HttpServerResponse out) {
    if (index == nodes.size()) {
      out.end();
      return;
    }
    NodeClient node = nodes.get(index);
    node.stream(tag, "/admin/export")
        .onSuccess(
            in -> {
              if (in.statusCode() != 200) {
                NodeClient.discard(in);
                out.reset();
                return;
              }
              pipe(in, out, () -> exportFrom(nodes, tag, index + 1, out), node);
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
            line -> new Line(KvJson.parseKeyBody(line), Buffer.buffer(line)),
            this::importOnOwner)
        .onSuccess(
            counts ->
                StatusHandler.json(
                    request.response(), new JsonObject().put("imported", counts.applied())))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /** One line of a backup: its key, to find the owner, and the line as it came. */
  private record Line(String key, Buffer bytes) {}

  private Future<Boolean> importOnOwner(Line line) {
    return rerouting
        .routed(
            view -> {
              NodeClient owner = view.ownerOf(line.key());
              return owner
                  .call(
                      view.tag(),
                      HttpMethod.POST,
                      "/admin/import",
                      Headers.APPLICATION_NDJSON.toString(),
                      line.bytes())
                  .map(reply -> StaleView.check(owner, reply))
                  .compose(
                      reply ->
                          reply.status() == 200
                              ? Future.succeededFuture(reply)
                              : Future.failedFuture(nodeError(owner, reply)));
            })
        .map(reply -> true);
  }

  /**
   * The node's own JSON error, re-raised with its code. The node numbered the one line it got as
   * line 1; the caller numbers it within the whole backup.
   */
  private static KvException nodeError(NodeClient node, NodeReply reply) {
    try {
      JsonObject error = new JsonObject(reply.body());
      String message = error.getString("message", "");
      if (message.startsWith("line 1: ")) message = message.substring("line 1: ".length());
      return new KvException(ErrorCode.byCode(error.getString("error")), message);
    } catch (RuntimeException notJson) {
      return new KvException(ErrorCode.INTERNAL, node.node().id() + " answered " + reply.status());
    }
  }
}
