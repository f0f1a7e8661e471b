package io.pxkv.router;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.RingHolder;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.http.ForwardingHandler;
import io.pxkv.router.listing.ClusterBackup;
import io.pxkv.router.routing.Views;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's request handling ({@link ForwardingHandler}, {@link ClusterBackup}) on one event
 * loop, routing by views a test publishes itself ({@link #route}), without the coordinator that
 * learns them from real nodes: for tests of how calls across nodes behave in a given view.
 */
final class ListingRouter extends VerticleBase {
  private final RouterConfig config;
  private final AtomicInteger nodeBehindCalls = new AtomicInteger();
  private RingHolder ring;
  private ForwardingHandler kv;
  private ClusterBackup backup;
  private HttpServer server;
  private final io.pxkv.router.rebalance.MovedKeys moved = new io.pxkv.router.rebalance.MovedKeys();

  ListingRouter(RouterConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    ring = new RingHolder(vertx, config);
    Views views =
        new Views() {
          @Override
          public ClusterView current() {
            return ring.current();
          }

          @Override
          public Future<ClusterView> next(long epoch, long waitMs) {
            return ring.next(epoch, waitMs);
          }

          @Override
          public Future<Void> nodeBehind(String nodeId, long epoch) {
            nodeBehindCalls.incrementAndGet();
            return Future.succeededFuture();
          }

          @Override
          public io.pxkv.router.rebalance.MovedKeys moved() {
            return moved;
          }
        };
    kv = new ForwardingHandler(views, config.limits(), config.timeoutMs());
    backup = new ClusterBackup(views, config.limits(), config.timeoutMs(), ring.detector());
    // The router's server options (HTTP compression among them), as RouterVerticle has them.
    server =
        vertx
            .createHttpServer(io.pxkv.common.http.ServerOptions.http("127.0.0.1", 0))
            .requestHandler(this::handle);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close().transform(ignored -> ring.close());
  }

  int port() {
    return server.actualPort();
  }

  /** Routes by {@code state} from now on (on the router's event loop). */
  Future<Void> route(ClusterState state) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> ring.swap(state).onComplete(done));
    return done.future();
  }

  /** How often a node was reported as behind the view a request was routed by. */
  int nodeBehindCalls() {
    return nodeBehindCalls.get();
  }

  private void handle(HttpServerRequest request) {
    try {
      switch (request.path()) {
        case "/kv" -> kv.collection(request);
        case "/admin/export" -> backup.export(request);
        default -> throw new KvException(ErrorCode.NOT_FOUND, "no such path");
      }
    } catch (RuntimeException e) {
      ErrorResponses.send(request.response(), e);
    }
  }
}
