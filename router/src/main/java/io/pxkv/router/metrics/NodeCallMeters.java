package io.pxkv.router.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.metrics.Latency;
import io.pxkv.router.client.CallObserver;
import java.util.concurrent.TimeUnit;

/**
 * The meters of the router's calls to one node: {@code pxkv_router_node_call_seconds{node}} for
 * every answer, and {@code pxkv_router_node_call_errors_total{node,error}} for calls that got none
 * in time ({@code upstream_timeout}), could not be made ({@code node_unavailable}), or were
 * answered with a 5xx ({@code node_5xx}). Immutable once built, so every event loop's client of the
 * node shares it.
 */
final class NodeCallMeters implements CallObserver {
  static final String CALLS = "pxkv.router.node.call";
  static final String ERRORS = "pxkv.router.node.call.errors";

  private final Timer answered;
  private final Counter timeouts;
  private final Counter unavailable;
  private final Counter serverErrors;
  private final Counter other;

  NodeCallMeters(MeterRegistry registry, String nodeId) {
    answered =
        Latency.timer(
            registry,
            CALLS,
            "Calls to a node that it answered (any status): count and latency",
            "node",
            nodeId);
    timeouts = errors(registry, nodeId, ErrorCode.UPSTREAM_TIMEOUT.code());
    unavailable = errors(registry, nodeId, ErrorCode.NODE_UNAVAILABLE.code());
    serverErrors = errors(registry, nodeId, "node_5xx");
    other = errors(registry, nodeId, "other");
  }

  private static Counter errors(MeterRegistry registry, String nodeId, String error) {
    return Counter.builder(ERRORS)
        .description("Calls to a node that failed: no answer in time, none possible, or a 5xx")
        .tags("node", nodeId, "error", error)
        .register(registry);
  }

  @Override
  public void answered(long nanos, int status) {
    answered.record(nanos, TimeUnit.NANOSECONDS);
    if (status >= 500) serverErrors.increment();
  }

  @Override
  public void failed(long nanos, Throwable failure) {
    ErrorCode code = failure instanceof KvException e ? e.code() : null;
    if (code == ErrorCode.UPSTREAM_TIMEOUT) {
      timeouts.increment();
    } else if (code == ErrorCode.NODE_UNAVAILABLE) {
      unavailable.increment();
    } else {
      other.increment();
    }
  }
}
