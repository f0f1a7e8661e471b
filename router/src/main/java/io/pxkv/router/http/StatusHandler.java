package io.pxkv.router.http;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.NodeProbe;
import io.pxkv.router.rebalance.ClusterCoordinator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code GET /admin/cluster}, both answered from a fresh parallel probe of
 * every node with a short deadline, so they stay fast when a node hangs.
 *
 * <p>Health is 200 {@code {"status":"ok",...}} when every node answers, so every key can be served;
 * otherwise 503 {@code unavailable} naming the nodes that do not. The cluster page shows the ring
 * (virtual nodes, each node's share of the hash space) and each node's state: up or down, the last
 * error this event loop saw talking to it, and its {@code /admin/stats} (keys, disk bytes, cache
 * hit ratio), and, with indexes declared, each index's build state summed over the nodes.
 *
 * <p>Runs on the verticle's event loop.
 */
public final class StatusHandler {
  private final Supplier<ClusterView> view;
  private final ClusterCoordinator coordinator;

  /** {@code coordinator} tells why the newest cluster file was refused, or what it waits for. */
  public StatusHandler(Supplier<ClusterView> view, ClusterCoordinator coordinator) {
    this.view = view;
    this.coordinator = coordinator;
  }

  public void health(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (view.get() == null) {
      ErrorResponses.send(
          response,
          new KvException(
              ErrorCode.UNAVAILABLE,
              "no view of the cluster yet"
                  + (coordinator.problem() == null ? "" : ": " + coordinator.problem())));
      return;
    }
    NodeProbe.all(view.get(), "/health")
        .onSuccess(
            results -> {
              List<String> down =
                  results.stream()
                      .filter(r -> !r.up())
                      .map(r -> r.client().node().id() + " (" + r.error() + ")")
                      .toList();
              if (!down.isEmpty()) {
                ErrorResponses.send(
                    response,
                    new KvException(
                        ErrorCode.UNAVAILABLE,
                        "cannot serve every key: unreachable " + String.join(", ", down)));
                return;
              }
              JsonObject body =
                  new JsonObject()
                      .put("status", "ok")
                      .put("nodes", results.size())
                      .put("up", results.size());
              JsonResponses.ok(response, body);
            });
  }

  /**
   * Each declared index over the nodes that answered: {@code ready} once every one of them built
   * it, else {@code building} with the keys scanned so far of about how many.
   */
  private static JsonArray indexes(ClusterView current, List<NodeProbe.Result> results) {
    JsonArray all = new JsonArray();
    for (IndexSpec spec : current.config().indexes()) {
      long scanned = 0;
      long total = 0;
      long entries = 0;
      boolean ready = true;
      for (NodeProbe.Result r : results) {
        if (!r.up()) continue;
        JsonObject mine = null;
        if (r.body().getValue("indexes") instanceof JsonArray list) {
          for (Object o : list) {
            if (o instanceof JsonObject j && spec.name().equals(j.getValue("name"))) mine = j;
          }
        }
        if (mine == null || !"ready".equals(mine.getValue("state"))) ready = false;
        if (mine != null) {
          scanned += mine.getLong("scanned", 0L);
          total += mine.getLong("total", 0L);
          entries += mine.getLong("entries", 0L);
        }
      }
      all.add(
          new JsonObject()
              .put("name", spec.name())
              .put("type", spec.type().id())
              .put("state", ready ? "ready" : "building")
              .put("scanned", scanned)
              .put("total", total)
              .put("entries", entries));
    }
    return all;
  }

  public void cluster(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    ClusterView current = view.get();
    if (current == null) {
      JsonResponses.ok(
          response,
          new JsonObject()
              .put("nodes", new JsonArray())
              .put("up", 0)
              .put("problem", coordinator.problem())
              .put("configError", coordinator.configError()));
      return;
    }
    ConsistentHashRing ring = current.ring();
    Map<String, Double> shares = ring.shares();
    NodeProbe.all(current, "/admin/stats")
        .onSuccess(
            results -> {
              JsonArray nodes = new JsonArray();
              int up = 0;
              for (NodeProbe.Result r : results) {
                String id = r.client().node().id();
                JsonObject node =
                    new JsonObject()
                        .put("id", id)
                        .put("url", r.client().node().url())
                        .put("share", shares.getOrDefault(id, 0.0))
                        .put("draining", current.config().node(id) == null)
                        .put("state", r.up() ? "up" : "down")
                        .put("lastError", r.up() ? r.client().lastError() : r.error());
                if (r.up()) {
                  up++;
                  node.put("keys", r.body().getValue("keys"))
                      .put("diskBytes", r.body().getValue("diskBytes"))
                      .put("cacheHitRatio", r.body().getValue("cacheHitRatio"))
                      .put("stats", r.body());
                }
                nodes.add(node);
              }
              JsonObject body =
                  new JsonObject()
                      .put("virtualNodes", ring.virtualNodes())
                      .put("hash", "murmur3_x64_128/64")
                      .put("up", up)
                      .put("clusterId", current.state().clusterId())
                      .put("epoch", current.epoch())
                      .put("rebalancing", current.moving())
                      .put("configError", coordinator.configError())
                      .put("problem", coordinator.problem())
                      .put("nodes", nodes);
              if (!current.config().indexes().isEmpty()) {
                body.put("indexes", indexes(current, results));
              }
              JsonResponses.ok(response, body);
            });
  }
}
