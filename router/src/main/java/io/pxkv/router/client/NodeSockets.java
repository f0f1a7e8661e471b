package io.pxkv.router.client;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * The one place the router's own client opens connections to a node (for single calls and streams
 * alike, see {@link NodeConnections}): TCP with no Nagle delay and keep-alive probes, bounded by
 * the connect timeout. Transport options, such as TLS to the node, belong here and nowhere else.
 */
final class NodeSockets {
  private final NodeInfo node;
  private final NetClient client;

  /** {@code access}: TLS for an {@code https://} node (trust, client certificate). */
  NodeSockets(Vertx vertx, NodeInfo node, long connectTimeoutMs, NodeAccess access) {
    this.node = node;
    this.client =
        vertx.createNetClient(
            access.applyTo(
                new NetClientOptions()
                    .setTcpNoDelay(true)
                    .setTcpKeepAlive(true)
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs)),
                node.tls()));
  }

  /** A new connection to the node. */
  Future<NetSocket> open() {
    return client.connect(node.port(), node.host());
  }

  Future<Void> close() {
    return client.close();
  }
}
