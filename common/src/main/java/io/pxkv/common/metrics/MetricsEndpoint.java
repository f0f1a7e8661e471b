package io.pxkv.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the server's own meters, then the process's ({@link ProcessMetrics}), in
 * the Prometheus text format (version 0.0.4). The two registries hold different metric names, so
 * the two scrapes together are one valid exposition.
 *
 * <p>Before each scrape {@code refresh} runs, for meters whose values are read from state confined
 * to another thread (the router's move progress) or costly to read per meter (a node's storage
 * counters, read once into a snapshot).
 */
public final class MetricsEndpoint {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry own; // null: metrics off
  private final PrometheusMeterRegistry process; // null: the Vert.x is not measured
  private final Supplier<Future<?>> refresh;

  public MetricsEndpoint(
      PrometheusMeterRegistry own, PrometheusMeterRegistry process, Supplier<Future<?>> refresh) {
    this.own = own;
    this.process = process;
    this.refresh = refresh;
  }

  /** An endpoint for a server started with metrics off: 404 with a sentence saying so. */
  public static MetricsEndpoint off() {
    return new MetricsEndpoint(null, null, Future::succeededFuture);
  }

  public void handle(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    if (own == null) {
      throw new KvException(
          ErrorCode.NOT_FOUND, "metrics are off on this server (started with --metrics off)");
    }
    Context context = Vertx.currentContext();
    refresh
        .get()
        .onComplete(
            ignored -> {
              // The refresh may end on another thread (the router's coordinator): scrape and
              // answer on the request's own event loop.
              if (context == null || Vertx.currentContext() == context) {
                scrape(request);
              } else {
                context.runOnContext(v -> scrape(request));
              }
            });
  }

  private void scrape(HttpServerRequest request) {
    try {
      String body = process == null ? own.scrape() : own.scrape() + process.scrape();
      request.response().putHeader(Headers.CONTENT_TYPE, CONTENT_TYPE).end(body);
    } catch (RuntimeException e) {
      ErrorResponses.send(request.response(), e);
    }
  }
}
