package io.pxkv.router.antientropy;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.router.client.NodeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anti-entropy's own client of each node: one connection, no pipelining. A digest of a slice of a
 * large store takes a while to compute; on the connections clients' requests use, a request
 * pipelined behind it would wait that long. Used on the walk's event loop only.
 */
final class AntiEntropyClients {
  private final Vertx vertx;
  private final long deadlineMs;
  private final long connectTimeoutMs;
  private final NodeAccess access;
  private final Map<String, NodeClient> clients = new HashMap<>();

  AntiEntropyClients(Vertx vertx, long deadlineMs, long connectTimeoutMs, NodeAccess access) {
    this.vertx = vertx;
    this.deadlineMs = deadlineMs;
    this.connectTimeoutMs = connectTimeoutMs;
    this.access = access;
  }

  /** The client of {@code node}; a new one when the node's URL changed. */
  NodeClient of(NodeInfo node) {
    NodeClient client = clients.get(node.id());
    if (client != null && client.node().equals(node)) return client;
    if (client != null) client.close();
    client = new NodeClient(vertx, node, deadlineMs, connectTimeoutMs, 1, 1, false, access);
    clients.put(node.id(), client);
    return client;
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeClient c : clients.values()) closing.add(c.close());
    clients.clear();
    return Future.join(closing).mapEmpty();
  }
}
