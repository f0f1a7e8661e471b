package io.pxkv.router;

import io.pxkv.common.http.ServerOptions;
import io.pxkv.router.antientropy.AntiEntropyProgress;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.metrics.RouterMetrics;
import io.pxkv.router.rebalance.ClusterCoordinator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A started router: the port it listens on and how to stop it. {@link #start} deploys one {@link
 * RouterVerticle} per configured instance, all sharing one listening socket. Port 0 is passed to
 * Vert.x as -1: a negative port asks for one random port shared by every instance, where 0 would
 * give each instance a port of its own.
 *
 * <p>{@link #close} undeploys the verticles (closing servers and node connections); it leaves the
 * {@link Vertx} it was given open, since the caller owns it (the local-cluster command shares one
 * with its nodes).
 */
public final class RunningRouter {
  private final Vertx vertx;
  private final RouterConfig config;
  private final List<RouterVerticle> verticles;
  private final String deploymentId;
  private final String coordinatorId;

  private RunningRouter(
      Vertx vertx,
      RouterConfig config,
      List<RouterVerticle> verticles,
      String deploymentId,
      String coordinatorId) {
    this.vertx = vertx;
    this.config = config;
    this.verticles = List.copyOf(verticles);
    this.deploymentId = deploymentId;
    this.coordinatorId = coordinatorId;
  }

  public static Future<RunningRouter> start(Vertx vertx, RouterConfig config) {
    int port = ServerOptions.listenPort(config.port());
    List<RouterVerticle> started = new CopyOnWriteArrayList<>();
    ClusterCoordinator coordinator = new ClusterCoordinator(config);
    RouterMetrics metrics = RouterMetrics.create(config.metrics());
    AntiEntropyProgress antiEntropy = new AntiEntropyProgress();
    coordinator.publishTo(
        state -> {
          List<Future<Void>> routed = new ArrayList<>();
          for (RouterVerticle v : started) routed.add(v.route(state));
          return Future.all(routed).mapEmpty();
        });
    return vertx
        .deployVerticle(
            () -> {
              RouterVerticle verticle =
                  new RouterVerticle(config, port, coordinator, metrics, antiEntropy);
              started.add(verticle);
              return verticle;
            },
            new DeploymentOptions().setInstances(config.instances()))
        .compose(
            routersId ->
                vertx
                    .deployVerticle(coordinator)
                    // Serve once the nodes told where the cluster stands, or after a deadline
                    // when none answers: requests then wait for a view (and get 503 without one).
                    .compose(
                        coordinatorId ->
                            firstViewOrDeadline(vertx, coordinator, config.timeoutMs())
                                .map(
                                    v ->
                                        new RunningRouter(
                                            vertx, config, started, routersId, coordinatorId)))
                    .recover(
                        t ->
                            vertx
                                .undeploy(routersId)
                                .transform(ignored -> Future.failedFuture(t))));
  }

  private static Future<Void> firstViewOrDeadline(
      Vertx vertx, ClusterCoordinator coordinator, long waitMs) {
    io.vertx.core.Promise<Void> ready = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(waitMs, id -> ready.tryComplete());
    coordinator
        .firstView()
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              ready.tryComplete();
            });
    return ready.future();
  }

  /** The port clients connect to (the one picked, when the config asked for 0). */
  public int port() {
    return verticles.get(0).actualPort();
  }

  public RouterConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The deployed verticles, one per event loop; each owns its ring holder. */
  public List<RouterVerticle> verticles() {
    return verticles;
  }

  public Future<Void> close() {
    return vertx.undeploy(coordinatorId).transform(ignored -> vertx.undeploy(deploymentId));
  }
}
