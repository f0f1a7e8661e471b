package io.pxkv.common.http;

import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/** The Vert.x and HTTP server options the router and the nodes share. */
public final class ServerOptions {
  /** The last negative port handed out by {@link #listenPort}. */
  private static final AtomicInteger ANY_PORT = new AtomicInteger();

  private ServerOptions() {}

  /**
   * The port a server's verticles listen on for the configured {@code port}. Port 0 would give each
   * verticle instance its own random port; a negative port makes Vert.x pick one random port and
   * share it among the instances listening on that same negative number. Each server asking for
   * port 0 gets a negative number of its own, so servers of one Vert.x (a local cluster's router
   * and nodes, tests) get a port each.
   */
  public static int listenPort(int port) {
    return port == 0 ? -ANY_PORT.incrementAndGet() : port;
  }

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
   *
   * <p>HTTP compression: a client that sends {@code Accept-Encoding: gzip} gets its answers
   * (listings and exports above all) gzipped, at level 1 since it runs on the event loop; other
   * clients, the router's own among them, get them as they are. A request body sent with {@code
   * Content-Encoding: gzip} is inflated as it arrives, and {@link BodyReader} bounds the inflated
   * bytes, so a decompression bomb is {@code 413}.
   */
  public static HttpServerOptions http(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setTcpNoDelay(true)
        .setCompressionSupported(true)
        .setCompressionLevel(1)
        .setDecompressionSupported(true)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
  }
}
