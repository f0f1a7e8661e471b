package io.pxkv.router.config;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ConfigException;
import io.pxkv.common.kv.ValueLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a router process needs, validated, immutable. Built from flags (each with a {@code
 * PXKV_*} environment twin) by {@link #fromArgs}, or by tests and the local-cluster launcher
 * through {@link #builder}, which names each setting (a new one then breaks no caller).
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param clusterFile where {@code cluster} was read from, for messages and later re-reads
 * @param cluster the nodes and the ring's virtual node count
 * @param timeoutMs the deadline of each forwarded call, from sending to the last byte of the answer
 * @param connectTimeoutMs the deadline for opening a connection to a node (never above timeoutMs)
 * @param poolSize keep-alive connections per node, per event loop
 * @param pipelining requests in flight per connection to a node (HTTP/1.1 pipelining); 1 is off
 * @param instances event loops serving HTTP, one {@link RouterVerticle} each
 * @param limits request size limits, checked before a body is forwarded
 * @param rebalanceKeysPerSecond the pace at which keys are moved between nodes while no client
 *     request comes
 * @param rebalanceBusyKeysPerSecond the pace while clients are being served: moves yield to them
 * @param antiEntropyKeysPerSecond the pace at which anti-entropy walks the replicas' records (0:
 *     off)
 * @param nodeClient which HTTP client carries single calls to nodes: {@code own} (the router's
 *     pipelining client) or {@code vertx} (Vert.x's HttpClient)
 * @param metrics whether the router measures itself and serves {@code GET /metrics}
 * @param security tokens, TLS and the cluster secret ({@link RouterSecurity#NONE}: none of them)
 */
public record RouterConfig(
    String host,
    int port,
    String clusterFile,
    ClusterConfig cluster,
    int timeoutMs,
    int connectTimeoutMs,
    int poolSize,
    int pipelining,
    int instances,
    ValueLimits limits,
    long rebalanceKeysPerSecond,
    long rebalanceBusyKeysPerSecond,
    long antiEntropyKeysPerSecond,
    String nodeClient,
    boolean metrics,
    RouterSecurity security) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_CLUSTER_FILE = "config/cluster.json";
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 1000;
  public static final long DEFAULT_REBALANCE_KEYS_PER_SECOND = 200_000;
  public static final long DEFAULT_REBALANCE_BUSY_KEYS_PER_SECOND = 5_000;
  public static final long DEFAULT_ANTI_ENTROPY_KEYS_PER_SECOND = 20_000;
  public static final String DEFAULT_NODE_CLIENT = "own";
  public static final boolean DEFAULT_METRICS = true;

  /**
   * Few connections with several requests in flight on each: measured here, pipelining 16 deep on 8
   * connections carried a third more GETs than 64 connections one at a time.
   */
  public static final int DEFAULT_POOL_SIZE = 8;

  public static final int DEFAULT_PIPELINING = 16;

  public RouterConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (was " + port + ")");
    }
    if (timeoutMs < 1
        || connectTimeoutMs < 1
        || poolSize < 1
        || pipelining < 1
        || instances < 1
        || rebalanceKeysPerSecond < 1
        || rebalanceBusyKeysPerSecond < 1) {
      throw new IllegalArgumentException(
          "timeouts, pool size, instances and rebalance rate must be >= 1");
    }
    if (antiEntropyKeysPerSecond < 0) {
      throw new IllegalArgumentException("the anti-entropy rate must be >= 0");
    }
    connectTimeoutMs = Math.min(connectTimeoutMs, timeoutMs);
    if (!nodeClient.equals("own") && !nodeClient.equals("vertx")) {
      throw new IllegalArgumentException(
          "nodeClient must be own or vertx (was " + nodeClient + ")");
    }
    if (security == null) security = RouterSecurity.NONE;
  }

  /**
   * A config with every default but the cluster and the port, for tests and embedding; listens on
   * 127.0.0.1.
   */
  public static RouterConfig of(ClusterConfig cluster, int port) {
    return builder().cluster(cluster, "(in memory)").port(port).build();
  }

  /**
   * Every default, listening on 127.0.0.1, for a cluster still to be given: callers set what they
   * need by name, so a new setting breaks none of them.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** This config's settings, to change some. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public RouterConfig withTimeoutMs(int newTimeoutMs) {
    return toBuilder().timeoutMs(newTimeoutMs).build();
  }

  public RouterConfig withInstances(int newInstances) {
    return toBuilder().instances(newInstances).build();
  }

  public RouterConfig withNodeClient(String newNodeClient) {
    return toBuilder().nodeClient(newNodeClient).build();
  }

  public RouterConfig withMetrics(boolean on) {
    return toBuilder().metrics(on).build();
  }

  public RouterConfig withSecurity(RouterSecurity newSecurity) {
    return toBuilder().security(newSecurity).build();
  }

  /** A {@link RouterConfig} by named settings; {@link #build} validates them. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String clusterFile;
    private ClusterConfig cluster;
    private int timeoutMs = DEFAULT_TIMEOUT_MS;
    private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private int poolSize = DEFAULT_POOL_SIZE;
    private int pipelining = DEFAULT_PIPELINING;
    private int instances = defaultInstances();
    private ValueLimits limits = ValueLimits.DEFAULTS;
    private long rebalanceKeysPerSecond = DEFAULT_REBALANCE_KEYS_PER_SECOND;
    private long rebalanceBusyKeysPerSecond = DEFAULT_REBALANCE_BUSY_KEYS_PER_SECOND;
    private long antiEntropyKeysPerSecond = DEFAULT_ANTI_ENTROPY_KEYS_PER_SECOND;
    private String nodeClient = DEFAULT_NODE_CLIENT;
    private boolean metrics = DEFAULT_METRICS;
    private RouterSecurity security = RouterSecurity.NONE;

    private Builder() {}

    private Builder(RouterConfig c) {
      host = c.host;
      port = c.port;
      clusterFile = c.clusterFile;
      cluster = c.cluster;
      timeoutMs = c.timeoutMs;
      connectTimeoutMs = c.connectTimeoutMs;
      poolSize = c.poolSize;
      pipelining = c.pipelining;
      instances = c.instances;
      limits = c.limits;
      rebalanceKeysPerSecond = c.rebalanceKeysPerSecond;
      rebalanceBusyKeysPerSecond = c.rebalanceBusyKeysPerSecond;
      antiEntropyKeysPerSecond = c.antiEntropyKeysPerSecond;
      nodeClient = c.nodeClient;
      metrics = c.metrics;
      security = c.security;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The cluster and the file it was read from (watched for changes by the router). */
    public Builder cluster(ClusterConfig cluster, String clusterFile) {
      this.cluster = cluster;
      this.clusterFile = clusterFile;
      return this;
    }

    public Builder timeoutMs(int timeoutMs) {
      this.timeoutMs = timeoutMs;
      return this;
    }

    public Builder connectTimeoutMs(int connectTimeoutMs) {
      this.connectTimeoutMs = connectTimeoutMs;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public Builder pipelining(int pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    public Builder instances(int instances) {
      this.instances = instances;
      return this;
    }

    public Builder limits(ValueLimits limits) {
      this.limits = limits;
      return this;
    }

    /** The move rates: while no client is served, and while clients are. */
    public Builder rebalanceKeysPerSecond(long idle, long busy) {
      this.rebalanceKeysPerSecond = idle;
      this.rebalanceBusyKeysPerSecond = busy;
      return this;
    }

    /** Records per second anti-entropy walks; 0 turns it off. */
    public Builder antiEntropyKeysPerSecond(long rate) {
      this.antiEntropyKeysPerSecond = rate;
      return this;
    }

    public Builder nodeClient(String nodeClient) {
      this.nodeClient = nodeClient;
      return this;
    }

    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Tokens, TLS and the cluster secret. */
    public Builder security(RouterSecurity security) {
      this.security = security;
      return this;
    }

    public RouterConfig build() {
      if (cluster == null) throw new IllegalStateException("no cluster given");
      return new RouterConfig(
          host,
          port,
          clusterFile,
          cluster,
          timeoutMs,
          connectTimeoutMs,
          poolSize,
          pipelining,
          instances,
          limits,
          rebalanceKeysPerSecond,
          rebalanceBusyKeysPerSecond,
          antiEntropyKeysPerSecond,
          nodeClient,
          metrics,
          security);
    }
  }

  /** One event loop per core, as Vert.x sizes its pool. */
  public static int defaultInstances() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The router's flags, their environment variables and defaults; {@code --help} prints them. */
  public static Flags flags() {
    return RouterSecurity.declare(coreFlags());
  }

  private static Flags coreFlags() {
    return new Flags("px-kvstore router")
        .option("host", DEFAULT_HOST, "address to listen on")
        .option("port", String.valueOf(DEFAULT_PORT), "port to listen on (0 picks a free one)")
        .option("cluster", DEFAULT_CLUSTER_FILE, "cluster file: virtual nodes and the node list")
        .option("timeout-ms", String.valueOf(DEFAULT_TIMEOUT_MS), "deadline of each call to a node")
        .option(
            "connect-timeout-ms",
            String.valueOf(DEFAULT_CONNECT_TIMEOUT_MS),
            "deadline for connecting to a node")
        .option(
            "pool-size", String.valueOf(DEFAULT_POOL_SIZE), "connections per node per event loop")
        .option(
            "pipelining",
            String.valueOf(DEFAULT_PIPELINING),
            "requests in flight per connection to a node (1 = no pipelining)")
        .option("instances", String.valueOf(defaultInstances()), "event loops serving HTTP")
        .option(
            "max-value-bytes",
            String.valueOf(ValueLimits.DEFAULT_MAX_VALUE_BYTES),
            "largest value accepted (k, m suffixes)")
        .option(
            "rebalance-rate",
            String.valueOf(DEFAULT_REBALANCE_KEYS_PER_SECOND),
            "keys per second moved between nodes when the cluster changes, while no client is"
                + " served")
        .option(
            "rebalance-busy-rate",
            String.valueOf(DEFAULT_REBALANCE_BUSY_KEYS_PER_SECOND),
            "keys per second moved while clients are served (moves yield to them)")
        .option(
            "anti-entropy-rate",
            String.valueOf(DEFAULT_ANTI_ENTROPY_KEYS_PER_SECOND),
            "records per second anti-entropy compares across replicas (0 = off)")
        .option(
            "node-client",
            DEFAULT_NODE_CLIENT,
            "HTTP client for single calls to nodes: own (pipelining, the router's) or vertx")
        .option(
            "metrics",
            "on",
            "measure requests, node calls and moves, served as GET /metrics: on or off");
  }

  /**
   * Parses flags and environment, then reads and validates the cluster file. Returns null when
   * {@code --help} was asked for. Every failure is a one-line {@link UsageException}.
   */
  public static RouterConfig fromArgs(String[] args, Map<String, String> env)
      throws UsageException {
    Flags flags = flags();
    if (!flags.parse(args, env)) {
      return null;
    }
    String host = flags.string("host");
    int port = flags.integer("port", 0, 65535);
    String clusterFile = flags.string("cluster");
    int timeoutMs = flags.integer("timeout-ms", 1, 3_600_000);
    int connectTimeoutMs = flags.integer("connect-timeout-ms", 1, 3_600_000);
    int poolSize = flags.integer("pool-size", 1, 10_000);
    int pipelining = flags.integer("pipelining", 1, 1024);
    int instances = flags.integer("instances", 1, 1024);
    long maxValue = flags.bytes("max-value-bytes", 1, 512L << 20);
    int rebalanceRate = flags.integer("rebalance-rate", 1, 10_000_000);
    int busyRate = flags.integer("rebalance-busy-rate", 1, 10_000_000);
    int antiEntropyRate = flags.integer("anti-entropy-rate", 0, 10_000_000);
    String nodeClient = flags.string("node-client");
    if (!nodeClient.equals("own") && !nodeClient.equals("vertx")) {
      throw new UsageException("--node-client must be own or vertx (was " + nodeClient + ")");
    }
    boolean metrics = flags.choice("metrics", List.of("on", "off")).equals("on");
    RouterSecurity security = RouterSecurity.read(flags, env);
    ClusterConfig cluster;
    try {
      cluster = ClusterConfig.load(Path.of(clusterFile));
    } catch (ConfigException e) {
      throw new UsageException("bad cluster config " + e.oneLine());
    }
    return builder()
        .host(host)
        .port(port)
        .cluster(cluster, clusterFile)
        .timeoutMs(timeoutMs)
        .connectTimeoutMs(connectTimeoutMs)
        .poolSize(poolSize)
        .pipelining(pipelining)
        .instances(instances)
        .limits(new ValueLimits((int) maxValue, ValueLimits.DEFAULT_MAX_DEPTH))
        .rebalanceKeysPerSecond(rebalanceRate, busyRate)
        .antiEntropyKeysPerSecond(antiEntropyRate)
        .nodeClient(nodeClient)
        .metrics(metrics)
        .security(security)
        .build();
  }
}
