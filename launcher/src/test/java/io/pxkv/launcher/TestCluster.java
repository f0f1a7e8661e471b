package io.pxkv.launcher;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.node.storage.SyncMode;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real cluster in this JVM for the launcher's tests: {@code n} nodes on free loopback ports, each
 * on a Vert.x of its own (two servers asking one Vert.x for port 0 would share a port), with data
 * in a temp directory, and a router in front of them on a free port. Nodes are stopped one by one
 * to see what clients see then; {@link #close} stops what is left.
 */
public final class TestCluster implements AutoCloseable {
  private static final long WAIT_S = 30;

  private final List<Vertx> nodeVertxes = new ArrayList<>();
  private final List<NodeServer> nodes = new ArrayList<>();
  private final List<Boolean> running = new ArrayList<>();
  private final List<NodeInfo> infos = new ArrayList<>();
  private final Path clusterFile;
  private final Vertx routerVertx;
  private final RunningRouter router;

  private TestCluster(Path dir, int n, int routed, int keysPerSecond, List<IndexSpec> indexes)
      throws Exception {
    for (int i = 1; i <= n; i++) {
      String id = "node-" + i;
      NodeConfig defaults = NodeConfig.forTest(id, dir.resolve(id));
      NodeConfig config =
          new NodeConfig(
              id,
              defaults.host(),
              0,
              defaults.storage().withSyncMode(SyncMode.NEVER),
              defaults.limits(),
              1);
      Vertx vertx = Vertx.vertx();
      nodeVertxes.add(vertx);
      NodeServer node = NodeServer.start(vertx, config).await(WAIT_S, TimeUnit.SECONDS);
      nodes.add(node);
      running.add(true);
      infos.add(NodeInfo.of(id, "127.0.0.1", node.port()));
    }
    routerVertx = Vertx.vertx();
    RouterConfig config;
    if (routed == n) {
      clusterFile = null;
      config = RouterConfig.of(new ClusterConfig(null, 64, infos, indexes), 0).withInstances(1);
    } else {
      clusterFile = dir.resolve("cluster.json");
      write(new ClusterConfig(64, infos.subList(0, routed)));
      ClusterConfig first = ClusterConfig.load(clusterFile);
      config =
          RouterConfig.builder()
              .cluster(first, clusterFile.toString())
              .instances(1)
              .rebalanceKeysPerSecond(keysPerSecond, keysPerSecond)
              .build();
    }
    router = RunningRouter.start(routerVertx, config).await(WAIT_S, TimeUnit.SECONDS);
  }

  /** {@code nodes} nodes, all in the router's (in-memory) layout. */
  public static TestCluster start(Path dir, int nodes) throws Exception {
    return new TestCluster(dir, nodes, nodes, 1, List.of());
  }

  /**
   * {@code nodes} nodes, all in the router's (in-memory) layout, which declares {@code indexes}.
   */
  public static TestCluster withIndexes(Path dir, int nodes, List<IndexSpec> indexes)
      throws Exception {
    return new TestCluster(dir, nodes, nodes, 1, indexes);
  }

  /**
   * {@code nodes} nodes, of which only the first {@code routed} are in the cluster file the router
   * watches (until {@link #routeAll}); keys move at {@code keysPerSecond}.
   */
  public static TestCluster withSpareNodes(Path dir, int nodes, int routed, int keysPerSecond)
      throws Exception {
    return new TestCluster(dir, nodes, routed, keysPerSecond, List.of());
  }

  /** Puts every node in the cluster file: the router then moves keys to the new ones. */
  public void routeAll() throws Exception {
    write(new ClusterConfig(64, infos));
  }

  private void write(ClusterConfig config) throws Exception {
    Path tmp = clusterFile.resolveSibling("cluster.json.tmp");
    Files.writeString(tmp, config.withClusterId("cli-test").toJson().encodePrettily());
    Files.move(
        tmp, clusterFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public int routerPort() {
    return router.port();
  }

  public String url() {
    return "http://127.0.0.1:" + router.port();
  }

  /** Stops node {@code i} (1-based) and its Vert.x; its keys then answer 503. */
  public void stopNode(int i) throws Exception {
    running.set(i - 1, false);
    nodes.get(i - 1).close().await(WAIT_S, TimeUnit.SECONDS);
    nodeVertxes.get(i - 1).close().await(WAIT_S, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    router.close().await(WAIT_S, TimeUnit.SECONDS);
    routerVertx.close().await(WAIT_S, TimeUnit.SECONDS);
    for (int i = 0; i < nodes.size(); i++) {
      if (running.get(i)) {
        nodes.get(i).close().await(WAIT_S, TimeUnit.SECONDS);
        nodeVertxes.get(i).close().await(WAIT_S, TimeUnit.SECONDS);
      }
    }
  }
}
