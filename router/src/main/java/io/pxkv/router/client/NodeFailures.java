package io.pxkv.router.client;

import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.util.concurrent.TimeoutException;

/**
 * Turns the router's own failures talking to a node into the contract's errors, in one place:
 * anything that means "no answer in time" is {@code 504 upstream_timeout}, anything else that stops
 * the call (refused, reset, closed, unresolvable) is {@code 503 node_unavailable}. Both name the
 * node so an operator knows where to look. Node error bodies never come through here: they are
 * answers, passed on unchanged.
 */
public final class NodeFailures {
  private NodeFailures() {}

  public static KvException timeout(NodeInfo node, long timeoutMs) {
    return new KvException(
        ErrorCode.UPSTREAM_TIMEOUT,
        "node " + node.id() + " (" + node.url() + ") did not answer within " + timeoutMs + " ms");
  }

  /** The contract error for {@code failure} on a call to {@code node}. */
  public static KvException map(NodeInfo node, Throwable failure, long timeoutMs) {
    if (failure instanceof KvException e) {
      return e;
    }
    if (failure instanceof TimeoutException) {
      // Not our deadline timer (that one makes its own error): say what Vert.x said.
      return new KvException(
          ErrorCode.UPSTREAM_TIMEOUT,
          "node "
              + node.id()
              + " ("
              + node.url()
              + ") did not answer in time: "
              + describe(failure));
    }
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "node " + node.id() + " (" + node.url() + ") is unavailable: " + describe(failure),
        null);
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    // Netty's connect errors read "Connection refused: /127.0.0.1:9002"; the node is named already.
    int colon = m.indexOf(": /");
    return colon > 0 ? m.substring(0, colon).toLowerCase() : m;
  }
}
