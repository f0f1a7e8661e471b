package io.pxkv.router;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A started router: the port it listens on and how to stop it. {@link #start} deploys one {@link
 * RouterVerticle} per configured instance; the first binds the configured port (0 picks one), the
 * rest bind the port it got, so they share one listening socket.
 *
 * <p>{@link #close} undeploys the verticles (closing servers and node connections); it leaves the
 * {@link Vertx} it was given open, since the caller owns it (the local-cluster command shares one
 * with its nodes).
 */
public final class RunningRouter {
  private final Vertx vertx;
  private final RouterConfig config;
  private final int port;
  private final String firstId;
  private final String restId;

  private RunningRouter(Vertx vertx, RouterConfig config, int port, String firstId, String restId) {
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.firstId = firstId;
    this.restId = restId;
  }

  public static Future<RunningRouter> start(Vertx vertx, RouterConfig config) {
    RouterVerticle first = new RouterVerticle(config, config.port());
    return vertx
        .deployVerticle(first)
        .compose(
            firstId -> {
              int port = first.actualPort();
              int rest = config.instances() - 1;
              Future<String> others =
                  rest == 0
                      ? Future.succeededFuture(null)
                      : vertx.deployVerticle(
                          () -> new RouterVerticle(config, port),
                          new DeploymentOptions().setInstances(rest));
              return others
                  .map(restId -> new RunningRouter(vertx, config, port, firstId, restId))
                  .recover(t -> vertx.undeploy(firstId).transform(ignored -> Future.failedFuture(t)));
            });
  }

  public int port() {
    return port;
  }

  public RouterConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Future<Void> close() {
    Future<Void> rest = restId == null ? Future.succeededFuture() : vertx.undeploy(restId);
    return rest.transform(ignored -> vertx.undeploy(firstId));
  }
}
