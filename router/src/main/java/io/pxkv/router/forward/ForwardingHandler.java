package io.pxkv.router.forward;

import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /kv} and {@code /kv/{key}} on the router. Single-key calls find the key (query, path or
 * body) and check it and the body's size the way a node would, so a bad key or an oversized body
 * gets the node's error without a hop; then they forward the original method, URI and body to the
 * key's owner and hand the node's status, Content-Type and body back untouched (PUTs gathered into
 * batches by the owner's {@link PutBatcher}, each answered with its own part). Values are not
 * parsed here: the owner checks them anyway, and its error is passed on as it is. Listings go to
 * {@link MergedListing} and {@link PagedListing}; while keys move between nodes, reads and deletes
 * go through {@link DuringRebalance}. PUTs and DELETEs are counted in their view's {@link
 * io.pxkv.router.cluster.WritesInFlight} until answered, so a layout swap can wait for them.
 *
 * <p>Runs on the event loop of the verticle that owns it; it keeps no per-request state.
 */
public final class ForwardingHandler {
  private final Supplier<ClusterView> view;
  private final ValueLimits limits;
  private final MergedListing merged = new MergedListing();
  private final PagedListing paged = new PagedListing();

  public ForwardingHandler(Supplier<ClusterView> view, ValueLimits limits) {
    this.view = view;
    this.limits = limits;
  }

  /** {@code /kv}: the key comes from {@code ?key=} or from the JSON body; no key lists. */
  public void collection(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      String key = Requests.keyParam(request);
      if (key != null) {
        KeyRules.validate(key);
        reply(request, forward(request, key, null));
      } else if (Cursors.isPaged(
          request.getParam("prefix"), request.getParam("limit"), request.getParam("cursor"))) {
        paged.handle(request, view.get());
      } else if (Requests.hasBody(request)) {
        forwardWithBody(request, KvJson::parseKeyBody);
      } else {
        merged.handle(request, view.get());
      }
    } else if (method == HttpMethod.PUT) {
      // Here the key is checked, and that the body is UTF-8 (parsing it needs that); the owner
      // checks the value and its answer is passed on.
      put(request, PutBatch.Form.BODY, body -> KvJson.parseKeyBody(body.getBytes()));
    } else if (method == HttpMethod.DELETE) {
      String key = Requests.keyParam(request);
      if (key != null) {
        KeyRules.validate(key);
        reply(request, forward(request, key, null));
      } else {
        forwardWithBody(request, KvJson::parseKeyBody);
      }
    } else {
      throw Requests.methodNotAllowed(request, "GET, PUT, DELETE");
    }
  }

  /**
   * {@code /kv/{key}}: the key is the percent-encoded rest of the path; PUT's body is the value.
   */
  public void item(HttpServerRequest request) {
    String key = KeyPaths.keyOf(request.path());
    HttpMethod method = request.method();
    if (method == HttpMethod.GET || method == HttpMethod.DELETE) {
      reply(request, forward(request, key, null));
    } else if (method == HttpMethod.PUT) {
      put(request, PutBatch.Form.PATH, body -> key);
    } else {
      throw Requests.methodNotAllowed(request, "GET, PUT, DELETE");
    }
  }

  /** Reads the body, finds and checks the key in it (a throw becomes the error), forwards. */
  private void forwardWithBody(HttpServerRequest request, Function<byte[], String> keyOf) {
    reply(
        request,
        BodyReader.read(request, limits.maxBodyBytes())
            .compose(body -> forward(request, keyOf.apply(body.getBytes()), body)));
  }

  /**
   * A PUT goes to the key's owner, gathered with other PUTs for that node ({@link PutBatcher}).
   * While keys move, the owner is already the new node, so a PUT needs nothing more.
   */
  private void put(HttpServerRequest request, PutBatch.Form form, Function<Buffer, String> keyOf) {
    reply(
        request,
        BodyReader.read(request, limits.maxBodyBytes())
            .compose(
                body -> {
                  String key = keyOf.apply(body);
                  String contentType = request.getHeader(Headers.CONTENT_TYPE);
                  ClusterView current = view.get();
                  NodeClient owner = current.ownerOf(key);
                  return current
                      .writes()
                      .track(owner.put(form, key, request.uri(), contentType, body));
                }));
  }

  private Future<NodeReply> forward(HttpServerRequest request, String key, Buffer body) {
    String contentType = body == null ? null : request.getHeader(Headers.CONTENT_TYPE);
    ClusterView current = view.get();
    NodeClient owner = current.ownerOf(key);
    HttpMethod method = request.method();
    String uri = request.uri();
    if (current.moving()) {
      Function<NodeClient, Future<NodeReply>> same =
          node -> node.call(method, uri, contentType, body);
      if (method == HttpMethod.GET) {
        return DuringRebalance.read(current, owner, same.apply(owner), same);
      }
      if (method == HttpMethod.DELETE) {
        return current.writes().track(DuringRebalance.delete(current, owner, key, same));
      }
    }
    Future<NodeReply> answer = owner.call(method, uri, contentType, body);
    return method == HttpMethod.DELETE ? current.writes().track(answer) : answer;
  }

  private static void reply(HttpServerRequest request, Future<NodeReply> answer) {
    HttpServerResponse response = request.response();
    answer.onComplete(
        ar -> {
          if (ar.succeeded()) {
            send(response, ar.result());
          } else {
            ErrorResponses.send(response, ar.cause());
          }
        });
  }

  static void send(HttpServerResponse response, NodeReply reply) {
    response.setStatusCode(reply.status());
    if (reply.contentType() != null) {
      response.putHeader(Headers.CONTENT_TYPE, reply.contentType());
    }
    response.end(reply.body());
  }
}
