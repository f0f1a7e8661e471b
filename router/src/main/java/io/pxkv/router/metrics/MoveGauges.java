package io.pxkv.router.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The move of keys between nodes, as gauges: its phase ({@code pxkv_router_move_phase{phase}}, 1
 * for the current one, 0 for the others) and its progress (keys moved, keys to move, keys scanned,
 * bytes moved, seconds left), plus the epoch of the view routed by. Set from the coordinator's
 * {@code /admin/rebalance} status just before each scrape; the progress counts restart at 0 with
 * each move.
 */
final class MoveGauges {
  static final List<String> PHASES = List.of("idle", "starting", "moving", "waiting", "done");

  private volatile JsonObject status = new JsonObject();

  MoveGauges(MeterRegistry registry) {
    for (String phase : PHASES) {
      Gauge.builder("pxkv.router.move.phase", this, g -> g.phase().equals(phase) ? 1 : 0)
          .description("The phase of the move of keys between nodes: 1 for the current one")
          .tag("phase", phase)
          .register(registry);
    }
    progress(registry, "keys.moved", "keysMoved", "Keys the current move copied to their owners");
    progress(
        registry,
        "keys.to.move.estimate",
        "keysToMoveEstimate",
        "Keys the current move is estimated to copy");
    progress(registry, "keys.scanned", "keysScanned", "Keys the nodes walked in the current move");
    progress(registry, "keys.to.scan", "keysToScan", "Keys the nodes hold in the current move");
    Gauge.builder("pxkv.router.move.moved", this, g -> g.progress("bytesMoved"))
        .description("Bytes the current move copied to their owners")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pxkv.router.move.eta", this, g -> g.progress("etaSeconds"))
        .description("Seconds the current move has left at its pace; -1 before it has one")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("pxkv.router.view.epoch", this, g -> g.status.getLong("epoch", 0L))
        .description("The epoch of the view of the cluster the router routes by")
        .register(registry);
  }

  private void progress(MeterRegistry registry, String name, String field, String description) {
    Gauge.builder("pxkv.router.move." + name, this, g -> g.progress(field))
        .description(description)
        .register(registry);
  }

  /** Takes the coordinator's latest status (any thread). */
  void update(JsonObject status) {
    this.status = status;
  }

  private String phase() {
    return status.getString("phase", "idle");
  }

  private double progress(String field) {
    JsonObject progress = status.getJsonObject("progress");
    if (progress == null) return 0;
    Number n = progress.getNumber(field);
    return n == null ? 0 : n.doubleValue();
  }
}
