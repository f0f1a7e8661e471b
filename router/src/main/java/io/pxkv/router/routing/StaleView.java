package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;

/**
 * A node's {@code 409 stale_view}: it is on another view than the one the request was routed by, so
 * it did not serve the request (nothing was read or written). The router routes the request again
 * by the newest view. Also thrown by calls that talk to several nodes, so one retry covers them.
 */
public final class StaleView extends RuntimeException {
  private final String nodeId;
  private final long nodeEpoch;

  StaleView(String nodeId, long nodeEpoch) {
    super("node " + nodeId + " is on view " + nodeEpoch, null, false, false);
    this.nodeId = nodeId;
    this.nodeEpoch = nodeEpoch;
  }

  String nodeId() {
    return nodeId;
  }

  /** The view the node is on (its open epoch); -1 when it did not say. */
  long nodeEpoch() {
    return nodeEpoch;
  }

  /**
   * The stale-view refusal in {@code reply} from {@code node}, or null when it is another answer.
   */
  public static StaleView of(NodeClient node, NodeReply reply) {
    if (reply.status() != 409) return null;
    String body = reply.body().toString();
    if (!body.contains("\"stale_view\"")) return null;
    return new StaleView(node.node().id(), NodeAnswers.longMember(body, "epoch", -1));
  }

  /** Fails with this refusal when {@code reply} is one, else passes the reply on. */
  public static NodeReply check(NodeClient node, NodeReply reply) {
    StaleView stale = of(node, reply);
    if (stale != null) throw stale;
    return reply;
  }

  /** What a client gets when the views kept changing until its deadline. */
  static KvException gaveUp() {
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "the cluster's layout is changing and the nodes did not settle on a view in time; retry");
  }
}
