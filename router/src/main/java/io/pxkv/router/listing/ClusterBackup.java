package io.pxkv.router.listing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonLinesReader;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.KvJson.RecordLine;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.routing.ReplicatedImport;
import io.pxkv.router.routing.Rerouting;
import io.pxkv.router.routing.StaleView;
import io.pxkv.router.routing.Views;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Whole-cluster backup and restore through the router, in JSON lines ({@code
 * {"key":K,"value":V,"version":N,"writer":W}} per line).
 *
 * <ul>
 *   <li>{@code GET /admin/export} streams every key once, at its newest version, in the keys' UTF-8
 *       order: a merge of every node's scan ({@link MergedScan}), with backpressure. A node that
 *       cannot be reached is a 503/504 JSON error (with replicas, only when the other nodes do not
 *       hold every key R times: {@link ReplicaCoverage}); a failure mid-stream resets the
 *       connection, so a cut backup never looks complete. The writer is kept so that a restore
 *       orders equal versions the way the cluster did.
 *   <li>{@code POST /admin/import} reads lines as they arrive and sends each to its key's owner's
 *       {@code /admin/import}, a bounded number at a time, so a backup restores onto a cluster of
 *       any size and shape: a line with a {@code version} is imported keeping its version (so a
 *       restore never undoes a later write or delete), one without is an ordinary PUT. With
 *       replicas, each line goes to every replica of its key and counts once the write quorum has
 *       it ({@link ReplicatedImport}), so a restore leaves N copies as writes do. It stops at the
 *       first bad line or failed write, naming the line.
 * </ul>
 *
 * <p>Runs on the router's event loop.
 */
public final class ClusterBackup {
  private final Rerouting rerouting;
  private final ValueLimits limits;
  private final MergedScan export;
  private final ReplicatedImport replicated;

  /**
   * {@code detector}: which replicas a restore line leaves to a hint, as writes do, and which nodes
   * an export need not ask ({@link ReplicaCoverage}).
   */
  public ClusterBackup(Views views, ValueLimits limits, long timeoutMs, FailureDetector detector) {
    this.rerouting = new Rerouting(views, timeoutMs);
    this.limits = limits;
    this.export = new MergedScan(rerouting, limits.maxBodyBytes(), detector);
    this.replicated = new ReplicatedImport(detector);
  }

  public void export(HttpServerRequest request) {
    export.serve(request.response(), ScanFormat.EXPORT_LINES);
  }

  public void importLines(HttpServerRequest request) {
    JsonLinesReader.read(
            request,
            limits.maxBodyBytes(),
            line -> new Line(KvJson.parseKeyBody(line), Buffer.buffer(line)),
            this::importOnOwner)
        .onSuccess(
            counts ->
                JsonResponses.ok(
                    request.response(), new JsonObject().put("imported", counts.applied())))
        .onFailure(t -> JsonLinesReader.sendFailure(request, t));
  }

  /** One line of a backup: its key, to find the owner, and the line as it came. */
  private record Line(String key, Buffer bytes) {}

  private Future<Boolean> importOnOwner(Line line) {
    return rerouting.routed(
        view -> {
          if (view.replicated()) return importOnReplicas(view, line);
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
                          ? Future.succeededFuture(true)
                          : Future.failedFuture(nodeError(owner, reply)));
        });
  }

  /**
   * A line of a replicated cluster goes to every replica of its key, answered at the write quorum
   * ({@link ReplicatedImport}); a line that expired on its way is skipped, as a node would skip it.
   */
  private Future<Boolean> importOnReplicas(ClusterView view, Line line) {
    RecordLine record;
    try {
      record = KvJson.parseRestoreLine(line.bytes().getBytes(), limits);
    } catch (KvException bad) {
      return Future.failedFuture(bad);
    }
    if (record.expiresAt() != 0 && record.expiresAt() <= System.currentTimeMillis()) {
      return Future.succeededFuture(false);
    }
    return replicated.write(view, record, view.config().writeQuorum());
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
