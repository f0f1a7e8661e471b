package io.pxkv.router.cluster;

import io.pxkv.router.client.NodeClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks every node of a view the same GET at once, with a short deadline, and reports each one as up
 * (with its JSON answer) or down (with the reason). Never fails: a node that does not answer is a
 * result, not an error. Used by {@code /health} and {@code /admin/cluster}.
 */
public final class NodeProbe {
  /** Status pages must answer fast even when a node hangs; the full call deadline is too long. */
  static final long MAX_PROBE_MS = 1000;

  /** One node's answer: {@code body} is its JSON when up, {@code error} the reason when down. */
  public record Result(NodeClient client, boolean up, JsonObject body, String error) {}

  private NodeProbe() {}

  public static Future<List<Result>> all(ClusterView view, String path) {
    List<Future<Result>> probes = new ArrayList<>();
    if (view == null) return Future.succeededFuture(List.of());
    for (NodeClient client : view.clients()) {
      probes.add(one(client, path));
    }
    return Future.join(probes).map(done -> probes.stream().map(Future::result).toList());
  }

  private static Future<Result> one(NodeClient client, String path) {
    long deadline = Math.min(MAX_PROBE_MS, client.timeoutMs());
    return client
        .call(null, HttpMethod.GET, path, null, null, deadline)
        .map(
            reply -> {
              if (reply.status() != 200) {
                return new Result(
                    client, false, null, "answered " + reply.status() + " to " + path);
              }
              return new Result(client, true, parse(reply.body().toString()), null);
            })
        .otherwise(e -> new Result(client, false, null, e.getMessage()));
  }

  private static JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
