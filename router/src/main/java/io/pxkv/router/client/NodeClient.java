package io.pxkv.router.client;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.PutBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

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
 * <p>{@link #stream} is for answers of any size ({@link NodeStream}), on the same connections, the
 * same deadline sweep and the same idle close: a stream has a connection to itself until its body
 * has ended, then the connection goes back to the pool. Its deadline covers the head, then every
 * gap between body bytes while its reader wants more, so a long healthy stream is never cut.
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
  private final NodeConnections connections; // streams, and single calls unless vertxCalls
  private final VertxCalls vertxCalls; // null with the router's own client
  private final PutBatcher puts;
  private final String hostHeader;
  private final String authorization; // null: the cluster has no secret
  private final long timeoutMs;
  private volatile String lastError;
  private CallObserver observer; // null: calls are not measured

  /**
   * {@code poolSize}: connections per node for {@link #call}, and streams open at once beside them
   * (a stream holds a connection for as long as it lasts). {@code pipelining}: calls in flight per
   * {@link #call} connection (HTTP/1.1 pipelining; 1 turns it off): a node then reads several
   * requests per read and the router several answers, which on a busy machine is worth more than
   * extra connections. Streams are never pipelined: one listing must not wait behind another.
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
   * the router's own ({@link NodeConnections}), to compare the two; streams stay on the own.
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
    this.hostHeader = node.host() + ":" + node.port();
    // Deadlines are checked a few times per deadline, at most every 50 ms.
    long sweepMs = Math.max(5, Math.min(50, timeoutMs / 10));
    java.util.function.Consumer<String> onError = error -> lastError = error;
    Runnable onAnswer =
        () -> {
          if (lastError != null) lastError = null;
        };
    this.connections =
        new NodeConnections(
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
    return puts.put(tag, form, key, 0, uri, contentType, body);
  }

  /**
   * {@link #put(ViewTag, PutBatch.Form, String, String, String, Buffer)} of a path PUT with {@code
   * ?ttl=} ({@code ttl} seconds, checked; form PATH_TTL), which a batch carries apart from the URI.
   */
  public Future<NodeReply> put(
      ViewTag tag,
      PutBatch.Form form,
      String key,
      long ttl,
      String uri,
      String contentType,
      Buffer body) {
    return puts.put(tag, form, key, ttl, uri, contentType, body);
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
   * Sends a GET and returns the answer once its head arrived, with its body unread: the caller sets
   * the body handlers when it is ready (bytes that come before wait), or pauses it, or resets it.
   */
  public Future<NodeStream> stream(ViewTag tag, String uri) {
    NodeStream stream = new NodeStream(vertx.getOrCreateContext());
    connections.submit(
        new NodeConnection.Call(
            RequestEncoder.encode(tag, HttpMethod.GET, uri, hostHeader, authorization, null, null),
            false,
            timeoutMs,
            stream));
    return stream.head();
  }

  /** Drops a streamed answer nobody will read ({@link NodeStream#reset}). */
  public static void discard(NodeStream stream) {
    stream.reset();
  }

  /** Maps and records a failure seen while reading a stream, for {@code /admin/cluster}. */
  public KvException noteFailure(Throwable failure) {
    KvException mapped = NodeFailures.map(node, failure, timeoutMs);
    lastError = mapped.getMessage();
    return mapped;
  }

  /** Connections open for {@link #call} now; read it on the client's event loop (for tests). */
  int openConnections() {
    return connections.openCount();
  }

  /** Closes now: calls in flight fail. */
  public Future<Void> close() {
    Future<Void> own = connections.close();
    return (vertxCalls == null ? own : Future.join(own, vertxCalls.close()).mapEmpty());
  }

  /**
   * Closes once the calls and streams in flight have their answers (see {@link
   * NodeConnections#closeWhenIdle}): for a node that left the view, whose scans and reads begun
   * before must not be cut.
   */
  public Future<Void> closeWhenIdle() {
    Future<Void> own = connections.closeWhenIdle();
    return vertxCalls == null ? own : own.compose(v -> vertxCalls.close());
  }
}
