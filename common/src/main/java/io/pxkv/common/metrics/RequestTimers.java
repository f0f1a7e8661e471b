package io.pxkv.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;

/**
 * Times every request a server answers, by {@link Route}, method and status, into the histogram
 * {@code pxkv_http_server_requests_seconds}: from the dispatcher seeing the request to the
 * response's end (or the connection's close before it).
 *
 * <p>Cheap on the hot path: the labels are a bounded set, and each combination's timer is looked up
 * in the registry once, then kept in arrays indexed by route, method and status; a request costs
 * two clock reads, one small callback and a histogram update.
 *
 * <p>Threading: one instance per event loop (each verticle makes its own), used only on that loop;
 * the timers themselves live in the shared registry.
 */
public final class RequestTimers {
  public static final String NAME = "pxkv.http.server.requests";
  private static final String DESCRIPTION =
      "Requests answered, by route, method and status: count and latency";
  private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "other"};
  private static final int STATUSES = 600;

  private final MeterRegistry registry; // null: off
  private final Timer[][] timers;

  private RequestTimers(MeterRegistry registry) {
    this.registry = registry;
    this.timers = registry == null ? null : new Timer[Route.count() * METHODS.length][];
  }

  /** Timers recording into {@code registry}. */
  public static RequestTimers into(MeterRegistry registry) {
    return new RequestTimers(registry);
  }

  /** Timers that record nothing (metrics off). */
  public static RequestTimers off() {
    return new RequestTimers(null);
  }

  /** Starts timing {@code request}; its response's end records it. */
  public void begin(HttpServerRequest request) {
    if (registry == null) return;
    Route route = Route.of(request);
    int method = methodIndex(request.method());
    long started = System.nanoTime();
    HttpServerResponse response = request.response();
    response.endHandler(
        v -> record(route, method, response.getStatusCode(), System.nanoTime() - started));
  }

  void record(Route route, int method, int status, long nanos) {
    int slot = route.ordinal() * METHODS.length + method;
    Timer[] byStatus = timers[slot];
    if (byStatus == null) {
      byStatus = new Timer[STATUSES];
      timers[slot] = byStatus;
    }
    int index = status > 0 && status < STATUSES ? status : 0;
    Timer timer = byStatus[index];
    if (timer == null) {
      timer =
          Latency.timer(
              registry,
              NAME,
              DESCRIPTION,
              "route",
              route.label(),
              "method",
              METHODS[method],
              "status",
              index == 0 ? "other" : Integer.toString(status));
      byStatus[index] = timer;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  static int methodIndex(HttpMethod method) {
    if (method == HttpMethod.GET) return 0;
    if (method == HttpMethod.PUT) return 1;
    if (method == HttpMethod.POST) return 2;
    if (method == HttpMethod.DELETE) return 3;
    if (method == HttpMethod.HEAD) return 4;
    return 5;
  }
}
