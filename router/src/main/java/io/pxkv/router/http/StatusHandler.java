package io.pxkv.router.http;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.ring.ConsistentHashRing;
import io.pxkv.router.antientropy.AntiEntropyProgress;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.cluster.NodeProbe;
import io.pxkv.router.rebalance.ClusterCoordinator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final FailureDetector detector;
  private final AntiEntropyProgress antiEntropy;

  /** {@code coordinator} tells why the newest cluster file was refused, or what it waits for. */
  public StatusHandler(Supplier<ClusterView> view, ClusterCoordinator coordinator) {
    this(view, coordinator, new FailureDetector(null, () -> null), new AntiEntropyProgress());
  }

  /**
   * {@code detector}: this event loop's heartbeats, shown per node in the cluster page; {@code
   * antiEntropy}: the router's anti-entropy, shown with the replication settings.
   */
  public StatusHandler(
      Supplier<ClusterView> view,
      ClusterCoordinator coordinator,
      FailureDetector detector,
      AntiEntropyProgress antiEntropy) {
    this.view = view;
    this.coordinator = coordinator;
    this.detector = detector;
    this.antiEntropy = antiEntropy;
  }

  /**
   * With replicas: the replica sets that have fewer nodes up than the larger quorum, so some keys
   * cannot be read or written; empty while every quorum can be served.
   */
  private static List<String> unservable(ClusterView current, Set<String> down) {
    int needed = Math.max(current.config().writeQuorum(), current.config().readQuorum());
    List<String> short_ = new ArrayList<>();
    for (List<String> set : current.replicas().replicaSets()) {
      long up = set.stream().filter(id -> !down.contains(id)).count();
      if (up < needed) short_.add(set + " has " + up + " up, " + needed + " needed");
    }
    return short_;
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
              Set<String> downIds = new HashSet<>();
              for (NodeProbe.Result r : results) {
                if (!r.up()) downIds.add(r.client().node().id());
              }
              ClusterView current = view.get();
              if (current != null && current.replicated()) {
                List<String> short_ = unservable(current, downIds);
                if (!short_.isEmpty()) {
                  ErrorResponses.send(
                      response,
                      new KvException(
                          ErrorCode.UNAVAILABLE,
                          "cannot serve every quorum: unreachable "
                              + String.join(", ", down)
                              + "; "
                              + String.join("; ", short_.subList(0, Math.min(3, short_.size())))));
                  return;
                }
                JsonResponses.ok(
                    response,
                    new JsonObject()
                        .put("status", down.isEmpty() ? "ok" : "degraded")
                        .put("nodes", results.size())
                        .put("up", results.size() - down.size())
                        .put("down", new JsonArray(down)));
                return;
              }
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
                if (r.client().node().zone() != null) node.put("zone", r.client().node().zone());
                if (current.replicated()) node.put("detector", detector.state(id));
                if (r.up()) {
                  up++;
                  node.put("keys", r.body().getValue("keys"))
                      .put("diskBytes", r.body().getValue("diskBytes"))
                      .put("cacheHitRatio", r.body().getValue("cacheHitRatio"))
                      .put("hintsHeld", hintsHeld(r.body()))
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
                      .put("rebalancing", current.moving());
              if (current.replicated()) {
                body.put(
                    "replication",
                    new JsonObject()
                        .put("replicas", current.config().replication().replicas())
                        .put("copies", current.config().copies())
                        .put("writeQuorum", current.config().writeQuorum())
                        .put("readQuorum", current.config().readQuorum()));
                body.put("antiEntropy", antiEntropy.toJson());
              }
              body.put("configError", coordinator.configError())
                  .put("problem", coordinator.problem())
                  .put("nodes", nodes);
              if (!current.config().indexes().isEmpty()) {
                body.put("indexes", indexes(current, results));
              }
              JsonResponses.ok(response, body);
            });
  }

  /** Hints a node keeps for replicas that missed writes (0 from a node that keeps none). */
  private static long hintsHeld(JsonObject stats) {
    JsonObject hints = stats.getJsonObject("hints");
    return hints == null ? 0 : hints.getLong("pending", 0L);
  }
}
