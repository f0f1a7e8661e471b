package io.pxkv.node;

import io.pxkv.common.cli.Shutdown;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * {@code px-kvstore node}: parses flags, opens the storage, serves until SIGTERM or Ctrl-C, then
 * closes cleanly. Exit codes: 2 for bad flags (nothing started, nothing written), 1 when the node
 * cannot start (directory locked, damaged data).
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) System.exit(code);
  }

  /** Starts the node and returns 0 once it is serving (it keeps serving), or an exit code. */
  public static int run(String[] args) {
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
    Vertx vertx = Vertx.vertx();
    NodeServer server;
    try {
      server = NodeServer.start(vertx, config).await(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      System.err.println("px-kvstore node: cannot start " + config.id() + ": " + Shutdown.rootMessage(e));
      vertx.close();
      return 1;
    }
    Shutdown.onSignal("px-kvstore node", vertx, server::close);
    System.out.println("node " + config.id() + " recovery: " + server.storage().engine().recoveryReport().summary());
    for (String event : server.storage().engine().recoveryReport().events()) {
      System.out.println("node " + config.id() + " recovery: " + event);
    }
    System.out.println(
        "node " + config.id() + " listening on port " + server.port() + " (data " + config.storage().dataDir() + ")");
    return 0;
  }
}
