package io.pxkv.router.client;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.http.Headers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Single calls to one node on Vert.x's own HTTP client: kept-alive connections, {@code pipelining}
 * requests in flight on each, and one deadline sweep for all calls (a timer a few times per
 * deadline, not a timer per call). The alternative to {@link NodeConnections} that {@code
 * --node-client vertx} selects; the benchmark compares the two side by side. It opens its own
 * connections, outside {@link NodeSockets}: it exists to measure Vert.x's client, not to carry
 * transport options.
 *
 * <p>Confined to the event loop whose context created it.
 */
final class VertxCalls {
  /** A call on its way: its deadline, its result, and its request once the client made one. */
  private static final class InFlight {
    final long deadlineNanos;
    final long deadlineMs;
    final Promise<NodeReply> result = Promise.promise();
    HttpClientRequest request;

    InFlight(long deadlineMs) {
      this.deadlineMs = deadlineMs;
      this.deadlineNanos = System.nanoTime() + deadlineMs * 1_000_000L;
    }
  }

  private final Vertx vertx;
  private final NodeInfo node;
  private final HttpClientAgent client;
  private final Consumer<String> onError;
  private final Runnable onAnswer;
  private final String authorization; // null: the cluster has no secret
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final long sweepTimer;

  VertxCalls(
      Vertx vertx,
      NodeInfo node,
      long connectTimeoutMs,
      long sweepEveryMs,
      int poolSize,
      int pipelining,
      long idleCloseMs,
      NodeAccess access,
      Consumer<String> onError,
      Runnable onAnswer) {
    this.vertx = vertx;
    this.node = node;
    this.onError = onError;
    this.onAnswer = onAnswer;
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost(node.host())
            .setDefaultPort(node.port())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setPipelining(pipelining > 1)
            .setPipeliningLimit(Math.max(1, pipelining))
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
            .setKeepAliveTimeout((int) Math.max(1, idleCloseMs / 1000))
            .setDecompressionSupported(false);
    access.applyTo(options, node.tls());
    this.authorization = access.authorization();
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
    this.sweepTimer = vertx.setPeriodic(sweepEveryMs, id -> expire());
  }

  Future<NodeReply> call(
      ViewTag tag,
      HttpMethod method,
      String uri,
      String contentType,
      Buffer body,
      long deadlineMs) {
    InFlight call = new InFlight(deadlineMs);
    inFlight.addLast(call);
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (authorization != null) options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    if (tag != null) {
      options
          .putHeader(ViewTag.CLUSTER_HEADER, tag.clusterId())
          .putHeader(ViewTag.EPOCH_HEADER, Long.toString(tag.epoch()));
    }
    if (contentType != null) options.putHeader(Headers.CONTENT_TYPE, contentType);
    client
        .request(options)
        .compose(
            request -> {
              call.request = request;
              if (call.result.future().isComplete()) {
                request.reset(); // its deadline passed while it waited for a connection
                return Future.failedFuture("expired");
              }
              return body == null ? request.send() : request.send(body);
            })
        .compose(
            response ->
                response
                    .body()
                    .map(
                        bytes ->
                            new NodeReply(
                                response.statusCode(),
                                response.getHeader(Headers.CONTENT_TYPE),
                                bytes)))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onAnswer.run();
                call.result.tryComplete(ar.result());
              } else if (!call.result.future().isComplete()) {
                var error = NodeFailures.map(node, ar.cause(), deadlineMs);
                onError.accept(error.getMessage());
                call.result.tryFail(error);
              }
            });
    return call.result.future();
  }

  /** Fails every call past its deadline and resets its request; forgets the finished ones. */
  private void expire() {
    long now = System.nanoTime();
    for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
      InFlight call = it.next();
      if (call.result.future().isComplete()) {
        it.remove();
      } else if (now - call.deadlineNanos >= 0) {
        it.remove();
        var error = NodeFailures.timeout(node, call.deadlineMs);
        onError.accept(error.getMessage());
        call.result.tryFail(error);
        if (call.request != null) call.request.reset();
      }
    }
  }

  Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    return client.close();
  }
}
