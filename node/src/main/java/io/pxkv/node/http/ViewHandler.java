package io.pxkv.node.http;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.ConfigException;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.node.cluster.CoordinatorLease;
import io.pxkv.node.cluster.Membership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The calls by which routers keep this node's view of the cluster (docs/API.md, "Internal calls
 * about views"):
 *
 * <ul>
 *   <li>{@code GET /internal/view}: {@code {"node","clusterId","prepared","open"}}, what the node
 *       stored;
 *   <li>{@code POST /internal/view/prepare} body {@code {"node":ID,"state":{..}}}: stores the view
 *       to come and fences older ones; answers {@code {"clock":N}};
 *   <li>{@code POST /internal/view/open} body {@code {"node":ID,"epoch":E,"floor":F}}: serves the
 *       prepared view from now on, its clock raised to the floor; answers {@code {"epoch":E}}.
 *   <li>{@code POST /internal/lease} body {@code {"router":R,"ms":N}} (or {@code
 *       {"router":R,"release":true}}): takes, renews or gives up the coordinator lease ({@link
 *       CoordinatorLease}); answers {@code {"granted":B,"holder":H,"remainingMs":N}}.
 * </ul>
 *
 * A prepare or open names the router that sends it ({@code "coordinator":R}); while another router
 * holds the lease it is refused with {@code 409 not_coordinator}.
 *
 * <p>Runs on the event loop; the changes themselves run on {@link Membership}'s own thread.
 */
public final class ViewHandler {
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Membership membership;

  public ViewHandler(Vertx vertx, Membership membership) {
    this.vertx = vertx;
    this.membership = membership;
  }

  public void view(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.GET);
    JsonResponses.send(request.response(), 200, membership.toJson().toBuffer());
  }

  public void prepare(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY_BYTES)
        .map(body -> object(body.toString()))
        .compose(
            json -> {
              ClusterState state = stateOf(json);
              requireCoordinator(json);
              return onCaller(membership.prepare(json.getString("node"), state));
            })
        .onSuccess(
            clock ->
                JsonResponses.send(
                    request.response(), 200, new JsonObject().put("clock", clock).toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  public void open(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY_BYTES)
        .map(body -> object(body.toString()))
        .compose(
            json -> {
              long epoch = number(json, "epoch");
              long floor = number(json, "floor");
              requireCoordinator(json);
              return onCaller(membership.open(json.getString("node"), epoch, floor)).map(epoch);
            })
        .onSuccess(
            epoch ->
                JsonResponses.send(
                    request.response(), 200, new JsonObject().put("epoch", epoch).toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  public void lease(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    BodyReader.read(request, MAX_BODY_BYTES)
        .map(body -> object(body.toString()))
        .map(
            json -> {
              if (!(json.getValue("router") instanceof String router) || router.isEmpty()) {
                throw new KvException(
                    ErrorCode.INVALID_REQUEST, "field 'router' must name the asking router");
              }
              CoordinatorLease lease = membership.lease();
              if (Boolean.TRUE.equals(json.getValue("release"))) {
                lease.release(router);
                return new CoordinatorLease.Answer(false, lease.liveHolder(), 0);
              }
              long ms = number(json, "ms");
              if (ms < 100 || ms > 60_000) {
                throw new KvException(
                    ErrorCode.INVALID_REQUEST, "field 'ms' must be 100..60000 (was " + ms + ")");
              }
              return lease.take(router, ms);
            })
        .onSuccess(
            a ->
                JsonResponses.send(
                    request.response(),
                    200,
                    new JsonObject()
                        .put("granted", a.granted())
                        .put("holder", a.holder())
                        .put("remainingMs", a.remainingMs())
                        .toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private void requireCoordinator(JsonObject json) {
    Object named = json.getValue("coordinator");
    String router = named instanceof String s ? s : null;
    if (!membership.lease().admits(router)) {
      throw new KvException(
          ErrorCode.NOT_COORDINATOR,
          "router "
              + membership.lease().liveHolder()
              + " holds the coordinator lease; "
              + (router == null ? "this call names no router" : "not " + router));
    }
  }

  private <T> Future<T> onCaller(java.util.concurrent.CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  private static JsonObject object(String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new KvException(ErrorCode.INVALID_JSON, "the body must be a JSON object");
    }
  }

  private static ClusterState stateOf(JsonObject json) {
    Object state = json.getValue("state");
    if (!(state instanceof JsonObject s)) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "field 'state' must be a cluster state");
    }
    try {
      return ClusterState.fromJson(s, "state");
    } catch (ConfigException e) {
      throw new KvException(ErrorCode.INVALID_REQUEST, e.oneLine());
    }
  }

  private static long number(JsonObject json, String field) {
    Object raw = json.getValue(field);
    if ((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() >= 0) {
      return ((Number) raw).longValue();
    }
    throw new KvException(
        ErrorCode.INVALID_REQUEST,
        "field '" + field + "' must be a whole number >= 0 (was " + raw + ")");
  }
}
