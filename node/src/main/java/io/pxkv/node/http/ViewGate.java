package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.node.cluster.Membership;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Admits a request only if it was routed by this node's cluster and the view it serves: a router's
 * requests carry {@code X-Pxkv-Cluster} and {@code X-Pxkv-Epoch} ({@link ViewHeaders}). Another
 * cluster's request gets {@code 409 wrong_cluster} naming both; a request of another view gets
 * {@code 409 stale_view} with this node's view ({@code "epoch"}, and {@code "prepared"}), so the
 * router routes it again by the right one. Nothing is read or written for a refused request. A
 * request without the headers (a client talking to the node directly) is admitted as it is.
 *
 * <p>Reads are admitted while a newer view is only prepared: no write of it can have happened yet.
 * Writes of an older view than a prepared one are refused by the storage engine's gate, in order
 * with every other write. Runs on the event loop.
 */
public final class ViewGate {
  private ViewGate() {}

  /** Whether {@code request} may be served; if not, it has been answered. */
  public static boolean admit(Membership membership, HttpServerRequest request) {
    String cluster = request.getHeader(ViewHeaders.CLUSTER);
    String epochHeader = request.getHeader(ViewHeaders.EPOCH);
    if (cluster == null && epochHeader == null) return true;
    String mine = membership.clusterId();
    if (cluster != null && mine != null && !cluster.equals(mine)) {
      ErrorResponses.send(request.response(), membershipError(mine, cluster));
      return false;
    }
    long epoch = ViewHeaders.epochOf(request);
    long open = membership.openEpoch();
    if (mine == null || epoch != open) {
      refuseStale(request, epoch, open, membership.preparedEpoch());
      return false;
    }
    return true;
  }

  private static io.pxkv.common.error.KvException membershipError(String mine, String theirs) {
    return new io.pxkv.common.error.KvException(
        ErrorCode.WRONG_CLUSTER,
        "this node belongs to cluster '" + mine + "', not '" + theirs + "'");
  }

  private static void refuseStale(HttpServerRequest request, long epoch, long open, long prepared) {
    String message =
        open == 0
            ? "this node has no view of the cluster yet (the request was routed by view "
                + epoch
                + ")"
            : "this node serves view " + open + ", the request was routed by view " + epoch;
    Buffer body =
        new JsonObject()
            .put("error", ErrorCode.STALE_VIEW.code())
            .put("message", message)
            .put("epoch", open)
            .put("prepared", prepared)
            .toBuffer();
    JsonResponses.send(request.response(), ErrorCode.STALE_VIEW.status(), body);
  }
}
