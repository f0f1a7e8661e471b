package io.pxkv.router;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

import io.pxkv.common.cli.Logging;
import io.pxkv.common.cli.Shutdown;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.http.ServerOptions;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code px-kvstore router}: parses flags (each with a {@code PXKV_*} environment twin), reads the
 * cluster file, serves until SIGTERM or Ctrl-C, then closes cleanly. A bad flag or config prints
 * one line naming the problem and exits 2 with nothing started; a port that cannot be bound exits
 * 1. When ready it prints {@code router listening on port N}.
 *
 * <p>Embedding: {@link #start(RouterConfig)} starts a router on its own {@link Vertx} and returns a
 * handle whose {@link RunningRouter#close()} stops it; {@link RunningRouter#start(Vertx,
 * RouterConfig)} does the same on a caller's Vert.x.
 */
public final class RouterMain {
  private RouterMain() {}

  private static final System.Logger log = System.getLogger(RouterMain.class.getName());

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Starts the router and returns 0 once it is serving (it keeps serving), or an exit code. */
  public static int run(String[] args) {
    Logging.serverEvents();
    RouterConfig config;
    try {
      config = RouterConfig.fromArgs(args, System.getenv());
    } catch (UsageException e) {
      System.err.println("px-kvstore router: " + e.getMessage());
      return 2;
    }
    if (config == null) {
      System.out.print(RouterConfig.flags().help());
      return 0;
    }
    Vertx vertx = ProcessMetrics.vertx(ServerOptions.vertx(), config.metrics());
    RunningRouter router;
    try {
      router = RunningRouter.start(vertx, config).await(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.log(
          ERROR,
          "router cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + ": "
              + Shutdown.rootMessage(e));
      vertx.close();
      return 1;
    }
    Shutdown.onSignal("px-kvstore router", vertx, router::close);
    log.log(
        INFO,
        "router listening on port "
            + router.port()
            + " ("
            + config.cluster().nodes().size()
            + " nodes from "
            + config.clusterFile()
            + ")");
    return 0;
  }

  /**
   * Starts a router on a Vert.x of its own. Closing the handle undeploys the router; close {@link
   * RunningRouter#vertx()} too when done with it.
   */
  public static Future<RunningRouter> start(RouterConfig config) {
    Vertx vertx = Vertx.vertx(ServerOptions.vertx());
    return RunningRouter.start(vertx, config)
        .recover(t -> vertx.close().transform(ignored -> Future.failedFuture(t)));
  }
}
