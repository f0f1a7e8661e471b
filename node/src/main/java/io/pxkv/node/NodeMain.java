package io.pxkv.node;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

import io.pxkv.common.cli.Logging;
import io.pxkv.common.cli.Shutdown;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.http.ServerOptions;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.node.metrics.NodeMetrics;
import io.pxkv.node.storage.EncryptionKeyException;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageFiles;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code px-kvstore node}: parses flags, opens the storage, serves until SIGTERM or Ctrl-C, then
 * closes cleanly. Exit codes: 2 for bad flags or encryption keys that do not fit the data (nothing
 * started, nothing written), 1 when the node cannot start otherwise (directory locked, damaged
 * data).
 */
public final class NodeMain {
  private static final System.Logger log = System.getLogger(NodeMain.class.getName());

  private NodeMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) System.exit(code);
  }

  /** Starts the node and returns 0 once it is serving (it keeps serving), or an exit code. */
  public static int run(String[] args) {
    Logging.serverEvents();
    NodeConfig config;
    try {
      config = NodeConfig.fromArgs(args, System.getenv());
    } catch (UsageException e) {
      System.err.println("px-kvstore node: " + e.getMessage());
      return 2;
    }
    if (config == null) {
      System.out.print(NodeConfig.flags().help());
      return 0;
    }
    // Recovery reads the whole data folder; it starts now, on a thread of its own, so that it
    // overlaps the start-up of Vert.x (a good part of a restart) instead of following it.
    AtomicLong openMillis = new AtomicLong();
    NodeMetrics metrics = NodeMetrics.create(config.metrics());
    CompletableFuture<StorageEngine> opening = openInBackground(config, metrics, openMillis);
    Vertx vertx = ProcessMetrics.vertx(ServerOptions.vertx(), config.metrics());
    NodeServer server;
    try {
      server =
          NodeServer.start(vertx, config, () -> awaitOpened(opening), metrics)
              .await(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.log(ERROR, "node " + config.id() + " cannot start: " + Shutdown.rootMessage(e));
      vertx.close();
      // Keys that do not fit the data are a usage error like a bad flag: nothing was served.
      return isKeyProblem(e) ? 2 : 1;
    }
    Shutdown.onSignal("px-kvstore node", vertx, server::close);
    log.log(
        INFO,
        "node "
            + config.id()
            + " recovery: "
            + server.storage().engine().recoveryReport().summary()
            + " in "
            + openMillis.get()
            + " ms");
    for (String event : server.storage().engine().recoveryReport().events()) {
      log.log(INFO, "node " + config.id() + " recovery: " + event);
    }
    log.log(
        INFO,
        "node "
            + config.id()
            + " listening on port "
            + server.port()
            + " (data "
            + config.storage().dataDir()
            + ")");
    return 0;
  }

  private static boolean isKeyProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof EncryptionKeyException) return true;
    }
    return false;
  }

  private static CompletableFuture<StorageEngine> openInBackground(
      NodeConfig config, NodeMetrics metrics, AtomicLong openMillis) {
    CompletableFuture<StorageEngine> opening = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                long started = System.nanoTime();
                StorageEngine engine =
                    StorageEngines.open(config.storage(), metrics.files(StorageFiles.DISK));
                openMillis.set((System.nanoTime() - started) / 1_000_000);
                opening.complete(engine);
              } catch (Throwable t) {
                opening.completeExceptionally(t);
              }
            },
            "kv-open");
    thread.setDaemon(true);
    thread.start();
    return opening;
  }

  /** The opened engine, or the exception that opening it threw. */
  private static StorageEngine awaitOpened(CompletableFuture<StorageEngine> opening)
      throws Exception {
    try {
      return opening.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }
}
