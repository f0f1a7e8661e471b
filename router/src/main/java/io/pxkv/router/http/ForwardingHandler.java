package io.pxkv.router.http;

import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.kv.KeyRules;
import io.pxkv.common.kv.KvJson;
import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.kv.Ttl;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.listing.ListingQuery;
import io.pxkv.router.listing.MergedListing;
import io.pxkv.router.listing.PagedListing;
import io.pxkv.router.routing.MovingReads;
import io.pxkv.router.routing.MovingReplicaReads;
import io.pxkv.router.routing.Quorums;
import io.pxkv.router.routing.ReplicatedReads;
import io.pxkv.router.routing.ReplicatedWrites;
import io.pxkv.router.routing.Rerouting;
import io.pxkv.router.routing.StaleView;
import io.pxkv.router.routing.Views;
import io.pxkv.router.routing.WriteTries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /kv} and {@code /kv/{key}} on the router. Single-key calls find the key (query, path or
 * body) and check it and the body's size the way a node would, so a bad key or an oversized body
 * gets the node's error without a hop; then they forward the original method, URI and body to the
 * key's owner and hand the node's status, Content-Type and body back untouched (PUTs gathered into
 * batches by the owner's {@link PutBatcher}, each answered with its own part). Values are not
 * parsed here: the owner checks them anyway, and its error is passed on as it is. Listings go to
 * {@link MergedListing} and {@link PagedListing}; while keys move between nodes, reads and deletes
 * of keys that may sit on several nodes go through {@link MovingReads}.
 *
 * <p>Every call is routed by one view and tagged with it ({@link ViewTag}). A node on another view
 * refuses it ({@code 409 stale_view}) without reading or writing anything; the call is then routed
 * again by the newer view ({@link Views#next}), or, when the node is the one behind, once the
 * coordinator has brought it up to date, a few times at most and within the call's deadline.
 *
 * <p>Runs on the event loop of the verticle that owns it; it keeps no per-request state.
 */
public final class ForwardingHandler {
  private final Views views;
  private final Rerouting rerouting;
  private final ValueLimits limits;
  private final long timeoutMs;
  private final MergedListing merged;
  private final PagedListing paged;
  private final ReplicatedWrites replicatedWrites;
  private final ReplicatedReads replicatedReads;
  private final MovingReplicaReads movingReplicaReads;

  public ForwardingHandler(Views views, ValueLimits limits, long timeoutMs) {
    this(views, limits, timeoutMs, new FailureDetector(null, () -> null));
  }

  /** {@code detector}: which nodes quorum reads and writes ask last, or not at all. */
  public ForwardingHandler(
      Views views, ValueLimits limits, long timeoutMs, FailureDetector detector) {
    this.replicatedWrites = new ReplicatedWrites(detector);
    this.replicatedReads = new ReplicatedReads(detector);
    this.movingReplicaReads = new MovingReplicaReads(detector);
    this.views = views;
    this.rerouting = new Rerouting(views, timeoutMs);
    this.limits = limits;
    this.timeoutMs = timeoutMs;
    this.merged = new MergedListing(rerouting, limits.maxBodyBytes(), detector);
    this.paged = new PagedListing(rerouting, detector);
  }

  /** {@code /kv}: the key comes from {@code ?key=} or from the JSON body; no key lists. */
  public void collection(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      String key = Requests.keyParam(request);
      if (key != null) {
        KeyRules.validate(key);
        reply(request, forward(request, key, null));
      } else if (ListingQuery.isPaged(request)) {
        paged.handle(request);
      } else if (Requests.hasBody(request)) {
        forwardWithBody(request, KvJson::parseKeyBody);
      } else {
        merged.handle(request);
      }
    } else if (method == HttpMethod.PUT) {
      // Here the key is checked, and that the body is UTF-8 (parsing it needs that); the owner
      // checks the value and its answer is passed on.
      put(request, PutBatch.Form.BODY, 0, body -> KvJson.parseKeyBody(body.getBytes()));
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
      // Checked here, as the node would, so a bad ttl costs no hop; a batch carries it apart.
      long ttl = Ttl.param(request.getParam("ttl"));
      put(request, ttl == 0 ? PutBatch.Form.PATH : PutBatch.Form.PATH_TTL, ttl, body -> key);
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

  /** A PUT goes to the key's owner, gathered with other PUTs for that node ({@link PutBatcher}). */
  private void put(
      HttpServerRequest request, PutBatch.Form form, long ttl, Function<Buffer, String> keyOf) {
    reply(
        request,
        BodyReader.read(request, limits.maxBodyBytes())
            .compose(
                body -> {
                  String key = keyOf.apply(body);
                  String contentType = request.getHeader(Headers.CONTENT_TYPE);
                  String uri = request.uri();
                  WriteTries tries = new WriteTries();
                  return rerouting.routed(
                      view -> {
                        if (view.replicated()) {
                          return replicatedPut(request, view, form, key, ttl, body, tries);
                        }
                        NodeClient owner = view.ownerOf(key);
                        return owner
                            .put(view.tag(), form, key, ttl, uri, contentType, body)
                            .map(reply -> StaleView.check(owner, reply));
                      });
                }));
  }

  private Future<NodeReply> forward(HttpServerRequest request, String key, Buffer body) {
    String contentType = body == null ? null : request.getHeader(Headers.CONTENT_TYPE);
    HttpMethod method = request.method();
    String uri = request.uri();
    WriteTries tries = new WriteTries();
    return rerouting.routed(
        view -> {
          if (view.replicasMove(key)) return replicasMoving(request, view, method, key, tries);
          if (view.replicated()) return replicated(request, view, method, key, tries);
          List<NodeClient> holders = view.holdersOf(key);
          if (holders.size() > 1) {
            if (method == HttpMethod.GET
                && !MovingReads.ownerAlone(view, views.moved(), key, holders)) {
              if (view.placement().layoutCount() == 2 && holders.size() == 2) {
                return MovingReads.readOwnerOrOld(
                    key, holders, node -> node.call(view.tag(), method, uri, contentType, body));
              }
              return MovingReads.read(view, key, holders);
            }
            if (method == HttpMethod.DELETE) return MovingReads.delete(view, key, holders);
          }
          NodeClient owner = holders.get(0);
          return owner
              .call(view.tag(), method, uri, contentType, body)
              .map(reply -> plainNotFound(method, key, StaleView.check(owner, reply)));
        });
  }

  /**
   * A PUT of a replicated key: the value is taken from the body and checked here (the replicas
   * check it again), then written to the key's replicas with the write quorum ({@code ?w=}).
   */
  private Future<NodeReply> replicatedPut(
      HttpServerRequest request,
      ClusterView view,
      PutBatch.Form form,
      String key,
      long pathTtl,
      Buffer body,
      WriteTries tries) {
    int w = Quorums.param(request, "w", view.config().writeQuorum(), view.config().copies());
    byte[] value;
    long ttl;
    if (form == PutBatch.Form.BODY) {
      KvJson.PutBody put = KvJson.parsePutBody(body.getBytes(), limits);
      value = put.value();
      ttl = put.ttl();
    } else {
      value = KvJson.parseBareValue(body.getBytes(), limits);
      ttl = pathTtl;
    }
    if (!view.replicasMove(key)) return replicatedWrites.put(view, key, value, ttl, w, tries);
    // Its last write may still be on members leaving its set only: read first, as a delete does,
    // so that 200 vs 201 does not depend on whether the move pushed it yet.
    return movingReplicaReads
        .newest(view, views.moved(), key, view.config().readQuorum())
        .compose(before -> replicatedWrites.put(view, key, value, ttl, w, tries, before.read()));
  }

  /** A GET or DELETE of a replicated key: quorum read ({@code ?r=}) or tombstone ({@code ?w=}). */
  private Future<NodeReply> replicated(
      HttpServerRequest request,
      ClusterView view,
      HttpMethod method,
      String key,
      WriteTries tries) {
    if (method == HttpMethod.DELETE) {
      int w = Quorums.param(request, "w", view.config().writeQuorum(), view.config().copies());
      return replicatedWrites.delete(view, key, w, tries);
    }
    int r = Quorums.param(request, "r", view.config().readQuorum(), view.config().copies());
    return replicatedReads.get(view, key, r);
  }

  /**
   * A GET or DELETE of a key whose replica set changes in the move under way: read on every
   * possible holder ({@link MovingReplicaReads}); a delete reads first, so that its answer also
   * knows a value still on members of the key's earlier sets only, then writes its tombstone to the
   * target's replicas.
   */
  private Future<NodeReply> replicasMoving(
      HttpServerRequest request,
      ClusterView view,
      HttpMethod method,
      String key,
      WriteTries tries) {
    int copies = view.config().copies();
    int r = Quorums.param(request, "r", view.config().readQuorum(), copies);
    if (method == HttpMethod.GET) return movingReplicaReads.get(view, views.moved(), key, r);
    int w = Quorums.param(request, "w", view.config().writeQuorum(), copies);
    return movingReplicaReads
        .newest(view, views.moved(), key, view.config().readQuorum())
        .compose(before -> replicatedWrites.delete(view, key, w, tries, before.read()));
  }

  /**
   * A node tells a router's read that a key was deleted there (with the delete's version, for reads
   * during a move); clients get the plain {@code not_found} error, as from any node.
   */
  private static NodeReply plainNotFound(HttpMethod method, String key, NodeReply reply) {
    if (method == HttpMethod.GET && reply.status() == 404) throw KvException.notFound(key);
    return reply;
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
