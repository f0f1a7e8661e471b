package io.pxkv.common.http;

import io.vertx.core.http.HttpServerOptions;

/** The HTTP server options the router and the nodes share. */
public final class ServerOptions {
  private ServerOptions() {}

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
