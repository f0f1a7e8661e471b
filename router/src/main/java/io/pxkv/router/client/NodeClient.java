package io.pxkv.router.client;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.PutBatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Calls one storage node over kept-alive HTTP/1.1 connections with deadlines.
 *
 * <p>{@link #call} is for answers that fit in memory (single keys, pages, stats), the router's hot
 * path. It goes through {@link NodeConnections}: a lean pipelining client of the router's own,
 * which writes each request as bytes and reads back only status, Content-Type and body, because the
 * general Vert.x client's per-request machinery was most of a forwarded call's cost. One deadline
 * runs from sending to the last body byte: past it the call fails with {@code 504
 * upstream_timeout}; a node that cannot be reached gives {@code 503 node_unavailable}. A refused
 * connection fails at once; a node that comes back is reconnected to on the next call.
 *
 * <p>{@link #stream} is for answers of any size, on the Vert.x HTTP client: the deadline covers
 * connecting and the head, then an idle timeout guards every gap between chunks, so a long healthy
 * stream is never cut.
 *
 * <p>Threading: one instance per event loop (each {@code RouterVerticle} builds its own), used only
 * from that loop, so its connections and callbacks never hop threads. {@link #lastError} may be
 * read from anywhere.
 */
public final class NodeClient {
  /** Connections to a node unused this long are closed, on both clients (see NodeConnections). */
  static final long IDLE_CLOSE_MS = 30_000;

  private final Vertx vertx;
  private final NodeInfo node;
  private final HttpClientAgent client;
  private final NodeConnections connections; // null with Vert.x's client for single calls
  private final VertxCalls vertxCalls; // null with the router's own client
  private final PutBatcher puts;
  private final String hostHeader;
  private final String authorization; // null: the cluster has no secret
  private final long timeoutMs;
  private volatile String lastError;
  private CallObserver observer; // null: calls are not measured

  /**
   * {@code poolSize}: connections per node for each of {@link #call} and {@link #stream}. {@code
   * pipelining}: calls in flight per {@link #call} connection (HTTP/1.1 pipelining; 1 turns it
   * off): a node then reads several requests per read and the router several answers, which on a
   * busy machine is worth more than extra connections. Streams are never pipelined: one listing
   * must not wait behind another.
   */
  public NodeClient(
      Vertx vertx,
      NodeInfo node,
      long timeoutMs,
      long connectTimeoutMs,
      int poolSize,
      int pipelining) {
    this(
        vertx,
        node,
        timeoutMs,
        connectTimeoutMs,
        poolSize,
        pipelining,
        IDLE_CLOSE_MS,
        false,
        NodeAccess.NONE);
  }

  /**
   * {@code vertxClient}: single calls go on Vert.x's HTTP client ({@link VertxCalls}) rather than
   * the router's own ({@link NodeConnections}).
   */
  public NodeClient(
      Vertx vertx,
      NodeInfo node,
      long timeoutMs,
      long connectTimeoutMs,
      int poolSize,
      int pipelining,
      boolean vertxClient) {
    this(
        vertx,
        node,
        timeoutMs,
        connectTimeoutMs,
        poolSize,
        pipelining,
        IDLE_CLOSE_MS,
        vertxClient,
        NodeAccess.NONE);
  }

  /**
   * {@code access}: TLS for an {@code https://} node (trust, client certificate) and the cluster
   * secret every call carries.
   */
  public NodeClient(
      Vertx vertx,
      NodeInfo node,
      long timeoutMs,
      long connectTimeoutMs,
      int poolSize,
      int pipelining,
      boolean vertxClient,
      NodeAccess access) {
    this(
        vertx,
        node,
        timeoutMs,
        connectTimeoutMs,
        poolSize,
        pipelining,
        IDLE_CLOSE_MS,
        vertxClient,
        access);
  }

  /**
   * {@code idleCloseMs}: how long a {@link #call} connection may sit unused before it is closed.
   */
  NodeClient(
      Vertx vertx,
      NodeInfo node,
      long timeoutMs,
      long connectTimeoutMs,
      int poolSize,
      int pipelining,
      long idleCloseMs,
      boolean vertxClient,
      NodeAccess access) {
    this.vertx = vertx;
    this.node = node;
    this.timeoutMs = timeoutMs;
    this.authorization = access.authorization();
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost(node.host())
            .setDefaultPort(node.port())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) connectTimeoutMs)
            // Close pooled connections nobody used for a while; a node restart leaves none stale.
            .setKeepAliveTimeout((int) Math.max(1, idleCloseMs / 1000))
            .setDecompressionSupported(false);
    access.applyTo(options, node.tls());
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
    this.hostHeader = node.host() + ":" + node.port();
    // Deadlines are checked a few times per deadline, at most every 50 ms.
    long sweepMs = Math.max(5, Math.min(50, timeoutMs / 10));
    java.util.function.Consumer<String> onError = error -> lastError = error;
    Runnable onAnswer =
        () -> {
          if (lastError != null) lastError = null;
        };
    this.connections =
        vertxClient
            ? null
            : new NodeConnections(
                vertx,
                node,
                connectTimeoutMs,
                sweepMs,
                poolSize,
                pipelining,
                idleCloseMs,
                access,
                onError,
                onAnswer);
    this.vertxCalls =
        vertxClient
            ? new VertxCalls(
                vertx,
                node,
                connectTimeoutMs,
                sweepMs,
                poolSize,
                pipelining,
                idleCloseMs,
                access,
                onError,
                onAnswer)
            : null;
    this.puts =
        new PutBatcher(
            vertx.getOrCreateContext(),
            node,
            timeoutMs,
            (tag, method, uri, contentType, body, deadlineMs) ->
                call(tag, method, uri, contentType, body, deadlineMs));
  }

  public NodeInfo node() {
    return node;
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /** Tells {@code observer} how each {@link #call} ends from now on (null: nobody). */
  public NodeClient observedBy(CallObserver observer) {
    this.observer = observer;
    return this;
  }

  /** The last failure talking to this node, or null if the last call worked. */
  public String lastError() {
    return lastError;
  }

  /**
   * Sends a request tagged with the view it was routed by ({@code tag}; null for calls that belong
   * to no view, such as status probes) and reads the whole answer, within {@link #timeoutMs}.
   */
  public Future<NodeReply> call(
      ViewTag tag, HttpMethod method, String uri, String contentType, Buffer body) {
    return call(tag, method, uri, contentType, body, timeoutMs);
  }

  /** Like {@link #call(ViewTag, HttpMethod, String, String, Buffer)} with its own deadline. */
  public Future<NodeReply> call(
      ViewTag tag,
      HttpMethod method,
      String uri,
      String contentType,
      Buffer body,
      long deadlineMs) {
    long started = observer == null ? 0 : System.nanoTime();
    Future<NodeReply> reply;
    if (vertxCalls != null) {
      reply = vertxCalls.call(tag, method, uri, contentType, body, deadlineMs);
    } else {
      NodeConnection.Call call =
          new NodeConnection.Call(
              RequestEncoder.encode(tag, method, uri, hostHeader, authorization, contentType, body),
              isKeyRead(method, uri),
              deadlineMs);
      connections.submit(call);
      reply = call.result.future();
    }
    return observer == null ? reply : observed(reply, observer, started);
  }

  private static Future<NodeReply> observed(
      Future<NodeReply> reply, CallObserver observer, long started) {
    return reply.onComplete(
        ar -> {
          long nanos = System.nanoTime() - started;
          if (ar.succeeded()) {
            observer.answered(nanos, ar.result().status());
          } else {
            observer.failed(nanos, ar.cause());
          }
        });
  }

  /**
   * Sends a client's PUT of {@code key} ({@code uri}, Content-Type and body as the client sent
   * them), gathered with the other PUTs for this node and the same view into one request ({@link
   * PutBatcher}); the reply is what the node answered for this PUT.
   */
  public Future<NodeReply> put(
      ViewTag tag, PutBatch.Form form, String key, String uri, String contentType, Buffer body) {
    return puts.put(tag, form, key, uri, contentType, body);
  }

  /**
   * A GET of one key, which a node answers at once from its cache (or one disk read), so others may
   * queue behind it on a connection; listings and pages take longer and do not qualify.
   */
  private static boolean isKeyRead(HttpMethod method, String uri) {
    return method == HttpMethod.GET
        && (uri.startsWith("/kv/")
            || uri.startsWith("/kv?key=")
            || uri.startsWith("/internal/read?key="));
  }

  /**
   * Sends a GET and returns the response once its head arrived, with its body unread: the caller
   * sets the body handlers in the callback, before the event loop can deliver a chunk.
   */
  public Future<HttpClientResponse> stream(ViewTag tag, String uri) {
    Promise<HttpClientResponse> result = Promise.promise();
    long timer =
        vertx.setTimer(timeoutMs, id -> result.tryFail(NodeFailures.timeout(node, timeoutMs)));
    client
        .request(options(tag, HttpMethod.GET, uri).setIdleTimeout(timeoutMs))
        .compose(
            request -> {
              result.future().onFailure(e -> request.reset());
              return request.send();
            })
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                if (!result.tryComplete(ar.result())) {
                  discard(ar.result());
                }
              } else {
                result.tryFail(NodeFailures.map(node, ar.cause(), timeoutMs));
              }
            });
    return result.future().onFailure(e -> lastError = e.getMessage());
  }

  /**
   * Drops a streamed answer nobody will read, by resetting its request. Vert.x logs the reset of a
   * response that has no handlers as an error, so a handler that ignores it is set first.
   */
  public static void discard(HttpClientResponse response) {
    try {
      response.exceptionHandler(ignored -> {});
    } catch (IllegalStateException alreadyEnded) {
      return; // all of it arrived: nothing is left to stop
    }
    response.request().reset();
  }

  /** Maps and records a failure seen while reading a stream, for {@code /admin/cluster}. */
  public KvException noteFailure(Throwable failure) {
    KvException mapped = NodeFailures.map(node, failure, timeoutMs);
    lastError = mapped.getMessage();
    return mapped;
  }

  /** Connections open for {@link #call} now; read it on the client's event loop (for tests). */
  int openConnections() {
    return connections == null ? -1 : connections.openCount();
  }

  public Future<Void> close() {
    Future<Void> calls = connections != null ? connections.close() : vertxCalls.close();
    return Future.join(calls, client.close()).mapEmpty();
  }

  private RequestOptions options(ViewTag tag, HttpMethod method, String uri) {
    RequestOptions options = new RequestOptions();
    if (authorization != null) options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    if (tag != null) {
      options
          .putHeader(ViewTag.CLUSTER_HEADER, tag.clusterId())
          .putHeader(ViewTag.EPOCH_HEADER, Long.toString(tag.epoch()));
    }
    return options
        .setMethod(method)
        .setHost(node.host())
        .setPort(node.port())
        .setURI(uri)
        // A request's "connect" timeout also covers waiting for a pooled connection, which under
        // load can take longer than opening one; the call's own deadline bounds both. Opening a
        // TCP connection is bounded by connectTimeoutMs in the client options.
        .setConnectTimeout(timeoutMs);
  }
}
