package io.pxkv.common.http;

import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpServerOptions;

/** The Vert.x and HTTP server options the router and the nodes share. */
public final class ServerOptions {
  private ServerOptions() {}

  /**
   * The Vert.x of a router or node process. A peer's name (a node, for the router's calls and for
   * the stray pushes between nodes) is looked up again after at most a second: a node whose
   * container is restarted or recreated can come back on another address, and Docker's DNS answers
   * with a 10-minute time to live, which Vert.x would keep, leaving that node unreachable
   * meanwhile.
   */
  public static VertxOptions vertx() {
    return new VertxOptions()
        .setAddressResolverOptions(new AddressResolverOptions().setCacheMaxTimeToLive(1));
  }

  /**
   * Plain HTTP/1.1 on {@code host:port}, with Nagle off (answers are small and go at once). Neither
   * serves WebSockets, so their compression extensions are off: with them on (the Vert.x default),
   * every connection carries a handler that inspects each request and response for a WebSocket
   * handshake.
   */
  public static HttpServerOptions http(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
  }
}
