package io.pxkv.launcher;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.Logging;
import io.pxkv.common.cli.Shutdown;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ConfigException;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.Replication;
import io.pxkv.common.http.ServerOptions;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.metrics.ProcessMetrics;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.node.storage.StorageOptions;
import io.pxkv.node.storage.SyncMode;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.config.RouterSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code px-kvstore local}: the whole cluster in one process for a laptop. N nodes (default 3) on
 * consecutive ports, each with its data in {@code <data>/<id>}, and a router in front of them, all
 * talking real HTTP over loopback. The router routes by {@code <data>/cluster.json}, written on the
 * first start and watched like any cluster file. Ctrl-C closes the router, then the nodes (flushing
 * their writes).
 */
final class LocalCluster {
  private static final System.Logger log = System.getLogger(LocalCluster.class.getName());

  private LocalCluster() {}

  static Flags flags() {
    return RouterSecurity.declareTokens(coreFlags());
  }

  private static Flags coreFlags() {
    return new Flags("px-kvstore local")
        .option("port", "8080", "the router's port (0: any free port)")
        .option(
            "node-port",
            "9001",
            "the first node's port; the others follow (0: any free ports on the first start, the"
                + " same ones after, as data/cluster.json records them)")
        .option("nodes", "3", "how many nodes")
        .option("data", "data", "parent data directory: each node uses <data>/<node id>")
        .option("fsync", "always", "the nodes' sync mode: always, interval or never")
        .option("cache-bytes", "64m", "each node's value cache size (0 = off)");
  }

  static int run(String[] args) {
    Logging.serverEvents();
    Flags f = flags();
    List<NodeConfig> nodes = new ArrayList<>();
    int routerPort;
    Path data;
    Tokens tokens;
    try {
      if (!f.parse(args, System.getenv())) {
        System.out.print(f.help());
        return 0;
      }
      routerPort = f.integer("port", 0, 65535);
      int firstNodePort = f.integer("node-port", 0, 65535);
      int count = f.integer("nodes", 1, 64);
      if (firstNodePort + count - 1 > 65535)
        throw new UsageException("--node-port + --nodes runs past port 65535");
      data = Path.of(f.string("data"));
      Map<String, Integer> recorded = firstNodePort == 0 ? recordedPorts(data) : Map.of();
      SyncMode sync =
          SyncMode.valueOf(
              f.choice("fsync", List.of("always", "interval", "never")).toUpperCase(Locale.ROOT));
      long cacheBytes = f.bytes("cache-bytes", 0, 1L << 40);
      // Open unless tokens are given: the nodes listen on loopback only, so no cluster secret.
      tokens = RouterSecurity.readTokens(f, System.getenv());
      // The nodes share this machine's cores: an event loop per core each would leave every loop
      // with a sliver of the load, woken (and put to sleep) once per request.
      int nodeInstances = Math.max(1, NodeConfig.defaultInstances() / count);
      for (int i = 1; i <= count; i++) {
        String id = "node-" + i;
        StorageOptions storage =
            StorageOptions.defaults(data.resolve(id)).withSyncMode(sync).withCacheBytes(cacheBytes);
        nodes.add(
            new NodeConfig(
                id,
                "127.0.0.1",
                firstNodePort == 0 ? recorded.getOrDefault(id, 0) : firstNodePort + i - 1,
                storage,
                ValueLimits.DEFAULTS,
                nodeInstances));
      }
    } catch (UsageException | IOException e) {
      System.err.println("px-kvstore local: " + e.getMessage());
      return 2;
    }

    Vertx vertx = ProcessMetrics.vertx(ServerOptions.vertx(), true);
    List<NodeServer> started = new ArrayList<>();
    RunningRouter router;
    try {
      List<NodeInfo> bound = new ArrayList<>();
      for (NodeConfig node : nodes) {
        NodeServer server = NodeServer.start(vertx, node).await(5, TimeUnit.MINUTES);
        started.add(server);
        bound.add(NodeInfo.of(node.id(), "127.0.0.1", server.port()));
        log.log(
            INFO,
            "node "
                + node.id()
                + " listening on port "
                + server.port()
                + " (data "
                + node.storage().dataDir()
                + ")");
      }
      Path clusterFile =
          clusterFile(
              data,
              new ClusterConfig(ClusterConfig.DEFAULT_VIRTUAL_NODES, bound)
                  .withReplication(Replication.DEFAULT));
      ClusterConfig cluster = ClusterConfig.load(clusterFile);
      RouterConfig routerConfig =
          // Loopback only, like the nodes: a cluster on a laptop, open without tokens, is not
          // reachable from the network.
          RouterConfig.builder()
              .host("127.0.0.1")
              .port(routerPort)
              .cluster(cluster, clusterFile.toString())
              .security(new RouterSecurity(tokens, null, NodeAccess.NONE))
              .build();
      router = RunningRouter.start(vertx, routerConfig).await(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.log(ERROR, "local cluster cannot start: " + Shutdown.rootMessage(e));
      try {
        closeAll(null, started).await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // already failing; the start error above is the one to report
      }
      vertx.close();
      return 1;
    }
    RunningRouter running = router;
    Shutdown.onSignal("px-kvstore local", vertx, () -> closeAll(running, started));
    log.log(
        INFO,
        "router listening on port "
            + router.port()
            + " in front of "
            + nodes.size()
            + " nodes"
            + (tokens.on() ? ", with " + tokens : "")
            + "; Ctrl-C to stop");
    return 0;
  }

  /**
   * The ports of the nodes in {@code data}'s cluster file, by node id, so that nodes started with
   * {@code --node-port 0} come back where the file says they are; none before the first start.
   */
  private static Map<String, Integer> recordedPorts(Path data) throws IOException {
    Path file = data.resolve("cluster.json");
    if (!Files.exists(file)) return Map.of();
    Map<String, Integer> ports = new HashMap<>();
    try {
      for (NodeInfo n : ClusterConfig.load(file).nodes()) ports.put(n.id(), n.port());
    } catch (ConfigException e) {
      throw new IOException("bad cluster file " + file + ": " + e.oneLine());
    }
    return ports;
  }

  /**
   * The cluster file the router routes by and watches: written on the first start, with a cluster
   * id of its own, then left to the user, who may add nodes to it (started with {@code px-kvstore
   * node}); so a restart keeps the membership it had.
   */
  private static Path clusterFile(Path data, ClusterConfig local) throws IOException {
    Files.createDirectories(data);
    Path file = data.resolve("cluster.json");
    if (Files.exists(file)) return file;
    String id = "local-" + UUID.randomUUID().toString().substring(0, 8);
    String json = local.withClusterId(id).toJson().encodePrettily();
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    return file;
  }

  /** The router first, so no request reaches a closing node; then each node. */
  private static Future<Void> closeAll(RunningRouter router, List<NodeServer> nodes) {
    Future<Void> chain = router == null ? Future.succeededFuture() : router.close();
    for (NodeServer n : nodes) {
      chain = chain.transform(ignored -> n.close());
    }
    // Printed, not logged: this runs in a shutdown hook, and java.util.logging's own hook may have
    // closed its handlers already.
    return chain.onSuccess(v -> System.err.println("px-kvstore local: stopped"));
  }
}
