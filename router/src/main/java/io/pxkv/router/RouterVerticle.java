package io.pxkv.router;

import io.pxkv.common.auth.AuthGate;
import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.HttpCompression;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ServerOptions;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.metrics.MetricsEndpoint;
import io.pxkv.common.metrics.RequestTimers;
import io.pxkv.router.antientropy.AntiEntropy;
import io.pxkv.router.antientropy.AntiEntropyProgress;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.RingHolder;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.http.ForwardingHandler;
import io.pxkv.router.http.StatusHandler;
import io.pxkv.router.listing.ClusterBackup;
import io.pxkv.router.metrics.RouterMetrics;
import io.pxkv.router.query.NearestQuery;
import io.pxkv.router.query.RangePage;
import io.pxkv.router.rebalance.ClientLoad;
import io.pxkv.router.rebalance.ClusterCoordinator;
import io.pxkv.router.rebalance.MovedKeys;
import io.pxkv.router.routing.Rerouting;
import io.pxkv.router.routing.Views;
import io.pxkv.router.ui.UiHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One event loop's router: an HTTP server and its own {@link RingHolder}, so the node clients,
 * their connections and every callback stay on this verticle's event loop. Several instances share
 * the listening port (Vert.x round-robins connections between them).
 *
 * <p>Requests are dispatched by a plain switch on the path, not vertx-web's Router: with a handful
 * of routes it is as clear and measurably cheaper per request on the forwarding hot path. Unknown
 * paths are 404 and wrong methods 405, both as contract JSON. Before any of that, the {@link
 * AuthGate} checks the call's token when tokens are on.
 */
public final class RouterVerticle extends VerticleBase {
  private final RouterConfig config;
  private final int port;
  private final ClusterCoordinator coordinator;
  private final RouterMetrics metrics;
  private HttpServer server;
  private RingHolder ring;
  private ForwardingHandler kv;
  private RangePage rangeQueries;
  private NearestQuery nearestQueries;
  private StatusHandler status;
  private ClusterBackup backup;
  private ClientLoad load;
  private RequestTimers requests;
  private MetricsEndpoint scrape;
  private UiHandler ui;
  private AuthGate gate;
  private final AntiEntropyProgress antiEntropyProgress;
  private AntiEntropy antiEntropy;

  /**
   * {@code port} is the port to bind; negative shares one random port among instances. {@code
   * coordinator} answers {@code /admin/rebalance}; {@code metrics} are shared by every instance,
   * and so is {@code antiEntropy}: the first instance to start runs anti-entropy, all show its
   * progress.
   */
  public RouterVerticle(
      RouterConfig config,
      int port,
      ClusterCoordinator coordinator,
      RouterMetrics metrics,
      AntiEntropyProgress antiEntropy) {
    this.antiEntropyProgress = antiEntropy;
    this.config = config;
    this.port = port;
    this.coordinator = coordinator;
    this.metrics = metrics;
  }

  /** Routes by {@code state} from now on. Runs the swap on this verticle's event loop. */
  public Future<Void> route(ClusterState state) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> ring.swap(state).onComplete(done));
    return done.future();
  }

  @Override
  public Future<?> start() {
    ring = new RingHolder(vertx, config, metrics::node);
    load = coordinator.clientLoad();
    requests = metrics.requestTimers();
    scrape = metrics.endpoint(vertx, coordinator);
    ui = UiHandler.create();
    gate = AuthGate.router(config.security().tokens());
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
          public MovedKeys moved() {
            return coordinator.movedKeys();
          }

          @Override
          public boolean leads() {
            return coordinator.leads();
          }

          @Override
          public Future<Void> nodeBehind(String nodeId, long epoch) {
            Promise<Void> back = Promise.promise();
            coordinator
                .nodeBehind(nodeId, epoch)
                .onComplete(ar -> context.runOnContext(v -> back.complete()));
            return back.future();
          }
        };
    kv = new ForwardingHandler(views, config.limits(), config.timeoutMs(), ring.detector());
    Rerouting queriesRouting = new Rerouting(views, config.timeoutMs());
    rangeQueries = new RangePage(queriesRouting, ring.detector());
    nearestQueries = new NearestQuery(queriesRouting, ring.detector());
    status = new StatusHandler(ring::current, coordinator, ring.detector(), antiEntropyProgress);
    if (antiEntropyProgress.claim()) {
      antiEntropy = new AntiEntropy(vertx, views, ring.detector(), config, antiEntropyProgress);
      antiEntropy.start();
    }
    backup = new ClusterBackup(views, config.limits(), config.timeoutMs(), ring.detector());
    HttpServerOptions options = ServerOptions.http(config.host(), port);
    if (config.security().tls() != null) config.security().tls().applyTo(options);
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    if (antiEntropy != null) closed = closed.transform(ignored -> antiEntropy.stop());
    return closed.transform(ignored -> ring == null ? Future.succeededFuture() : ring.close());
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** The ring this event loop routes with; the hook for a config watcher to swap. */
  public RingHolder ringHolder() {
    return ring;
  }

  /** The view requests on this event loop currently use. */
  public ClusterView view() {
    return ring.current();
  }

  private void handle(HttpServerRequest request) {
    HttpCompression.onRequest(request);
    try {
      requests.begin(request);
      if (!gate.admit(request)) return;
      String path = request.path();
      if (path.equals("/kv")) {
        load.record();
        kv.collection(request);
      } else if (KeyPaths.isKeyPath(path)) {
        load.record();
        kv.item(request);
      } else if (path.equals("/query")) {
        load.record();
        rangeQueries.handle(request);
      } else if (path.equals("/query/knn")) {
        load.record();
        nearestQueries.handle(request);
      } else if (path.equals("/health")) {
        Requests.requireMethod(request, HttpMethod.GET);
        status.health(request);
      } else if (path.equals("/admin/cluster")) {
        Requests.requireMethod(request, HttpMethod.GET);
        status.cluster(request);
      } else if (path.equals("/admin/export")) {
        Requests.requireMethod(request, HttpMethod.GET);
        backup.export(request);
      } else if (path.equals("/admin/import")) {
        Requests.requireMethod(request, HttpMethod.POST);
        backup.importLines(request);
      } else if (path.equals("/admin/rebalance")) {
        Requests.requireMethod(request, HttpMethod.GET);
        coordinator
            .statusNow()
            .onSuccess(s -> JsonResponses.ok(request.response(), s))
            .onFailure(e -> ErrorResponses.send(request.response(), e));
      } else if (path.equals("/openapi.yaml")) {
        Requests.requireMethod(request, HttpMethod.GET);
        OpenApiDocument.send(request.response());
      } else if (path.equals("/metrics")) {
        scrape.handle(request);
      } else if (UiHandler.owns(path)) {
        ui.handle(request);
      } else {
        throw Requests.noSuchPath(request);
      }
    } catch (RuntimeException e) {
      ErrorResponses.send(request.response(), e);
    }
  }
}
