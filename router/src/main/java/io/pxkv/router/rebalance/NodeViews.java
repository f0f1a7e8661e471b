package io.pxkv.router.rebalance;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.ConfigException;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.client.ViewTag;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's calls to nodes about views ({@code /internal/view}, {@code .../prepare}, {@code
 * .../open}) and its node clients, one per node, kept across calls. Confined to the coordinator's
 * event loop.
 */
final class NodeViews {
  /** What one node said about its views, or why it could not be asked. */
  record Seen(
      NodeInfo node, String clusterId, ClusterState prepared, ClusterState open, String error) {
    boolean reachable() {
      return error == null;
    }

    long openEpoch() {
      return open == null ? 0 : open.epoch();
    }

    long preparedEpoch() {
      return prepared == null ? openEpoch() : Math.max(prepared.epoch(), openEpoch());
    }
  }

  private static final String JSON = "application/json";

  private final Vertx vertx;
  private final RouterConfig settings;
  private final Map<String, NodeClient> clients = new HashMap<>();

  NodeViews(Vertx vertx, RouterConfig settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Asks every node in {@code nodes} at once; never fails. */
  Future<List<Seen>> look(List<NodeInfo> nodes) {
    List<Future<Seen>> all = new ArrayList<>();
    for (NodeInfo n : nodes) all.add(look(n));
    return Future.join(all).transform(done -> Future.succeededFuture(results(all)));
  }

  private Future<Seen> look(NodeInfo node) {
    return client(node)
        .call(null, HttpMethod.GET, "/internal/view", null, null, probeMs())
        .map(
            reply -> {
              if (reply.status() != 200) {
                return new Seen(node, null, null, null, answered(node, reply, "/internal/view"));
              }
              JsonObject json = new JsonObject(reply.body());
              String reportedId = json.getString("node");
              if (reportedId != null && !reportedId.equals(node.id())) {
                return new Seen(
                    node,
                    null,
                    null,
                    null,
                    node.url()
                        + " is node "
                        + reportedId
                        + ", not "
                        + node.id()
                        + ": check the cluster file");
              }
              return new Seen(
                  node,
                  json.getString("clusterId"),
                  state(json.getJsonObject("prepared"), node),
                  state(json.getJsonObject("open"), node),
                  null);
            })
        .otherwise(e -> new Seen(node, null, null, null, e.getMessage()));
  }

  private static ClusterState state(JsonObject json, NodeInfo node) {
    if (json == null) return null;
    try {
      return ClusterState.fromJson(json, node.id() + "'s cluster state");
    } catch (ConfigException e) {
      return null; // a state this router cannot read counts as none: the next view replaces it
    }
  }

  /**
   * Fences {@code node} at {@code state}'s epoch: from then on it refuses writes of older views.
   * Completes with its clock reading; fails when it refuses or cannot be reached.
   */
  Future<Long> prepare(NodeInfo node, ClusterState state, String coordinator) {
    JsonObject body =
        new JsonObject()
            .put("node", node.id())
            .put("state", state.toJson())
            .put("coordinator", coordinator);
    return client(node)
        .call(null, HttpMethod.POST, "/internal/view/prepare", JSON, body.toBuffer())
        .compose(reply -> ok(node, reply, "/internal/view/prepare"))
        .map(reply -> new JsonObject(reply.body()).getLong("clock"));
  }

  /** Opens a prepared view on {@code node}: its clock rises to {@code floor} and it serves it. */
  Future<Void> open(NodeInfo node, ClusterState state, String coordinator) {
    JsonObject body =
        new JsonObject()
            .put("node", node.id())
            .put("coordinator", coordinator)
            .put("epoch", state.epoch())
            .put("floor", state.floor());
    return client(node)
        .call(null, HttpMethod.POST, "/internal/view/open", JSON, body.toBuffer())
        .compose(reply -> ok(node, reply, "/internal/view/open"))
        .mapEmpty();
  }

  /**
   * Asks {@code node} for the coordinator lease for {@code router}: {@code {"granted","holder"}}.
   */
  Future<JsonObject> lease(NodeInfo node, String router, long ms) {
    JsonObject body = new JsonObject().put("router", router).put("ms", ms);
    return client(node)
        .call(null, HttpMethod.POST, "/internal/lease", JSON, body.toBuffer(), probeMs())
        .compose(
            reply ->
                reply.status() == 404
                    // A node of an older version keeps no lease: it neither grants nor fences.
                    ? Future.succeededFuture(new JsonObject().put("granted", true))
                    : ok(node, reply, "/internal/lease").map(r -> new JsonObject(r.body())));
  }

  /** Gives {@code router}'s lease on {@code node} back; failures are left to the lease's end. */
  void releaseLease(NodeInfo node, String router) {
    JsonObject body = new JsonObject().put("router", router).put("release", true);
    client(node).call(null, HttpMethod.POST, "/internal/lease", JSON, body.toBuffer(), probeMs());
  }

  /** A call routed by {@code tag}, for the mover. */
  Future<NodeReply> call(NodeInfo node, ViewTag tag, HttpMethod method, String uri, Buffer body) {
    return client(node)
        .call(tag, method, uri, body == null ? null : JSON, body)
        .compose(reply -> ok(node, reply, uri.split("\\?")[0]));
  }

  /** {@code GET path} of a node's, untagged (stats). */
  Future<JsonObject> get(NodeInfo node, String path) {
    return client(node)
        .call(null, HttpMethod.GET, path, null, null, probeMs())
        .compose(reply -> ok(node, reply, path))
        .map(reply -> new JsonObject(reply.body()));
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeClient c : clients.values()) closing.add(c.close());
    clients.clear();
    return Future.join(closing).mapEmpty();
  }

  private long probeMs() {
    return Math.min(2000, settings.timeoutMs());
  }

  private NodeClient client(NodeInfo node) {
    NodeClient c = clients.get(node.id());
    if (c == null || !c.node().equals(node)) {
      if (c != null) c.close();
      c =
          new NodeClient(
              vertx,
              node,
              settings.timeoutMs(),
              settings.connectTimeoutMs(),
              4,
              1,
              false,
              settings.security().nodes());
      clients.put(node.id(), c);
    }
    return c;
  }

  private static Future<NodeReply> ok(NodeInfo node, NodeReply reply, String what) {
    return reply.status() == 200
        ? Future.succeededFuture(reply)
        : Future.failedFuture(new IllegalStateException(answered(node, reply, what)));
  }

  private static String answered(NodeInfo node, NodeReply reply, String what) {
    String body = reply.body().toString();
    String message = body;
    try {
      message = new JsonObject(body).getString("message", body);
    } catch (RuntimeException notJson) {
      // keep the raw body
    }
    return node.id() + " answered " + reply.status() + " to " + what + ": " + message;
  }

  private static List<Seen> results(List<Future<Seen>> all) {
    List<Seen> out = new ArrayList<>(all.size());
    for (Future<Seen> f : all) out.add(f.result());
    return out;
  }
}
