package io.pxkv.node;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.CompactionPolicy;
import io.pxkv.node.storage.Compression;
import io.pxkv.node.storage.EncryptionKeyException;
import io.pxkv.node.storage.EncryptionKeys;
import io.pxkv.node.storage.StorageOptions;
import io.pxkv.node.storage.SyncMode;
import io.pxkv.node.storage.ValueCoding;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one node process needs, immutable and validated. Built from flags and {@code PXKV_*}
 * environment variables by {@link #fromArgs}, or directly in tests.
 *
 * @param id the node's name in the cluster config
 * @param host the address to bind
 * @param port the port to bind; 0 picks a free one
 * @param storage the storage engine's options; its writer id is always the node's ({@link
 *     WriteOrder#writerIdOf} of {@code id}), whatever was passed
 * @param limits value size and depth limits
 * @param instances event loops serving HTTP, one {@link NodeVerticle} each
 * @param metrics whether the node measures itself and serves {@code GET /metrics}
 * @param security the cluster secret and TLS ({@link NodeSecurity#NONE}: neither)
 */
public record NodeConfig(
    String id,
    String host,
    int port,
    StorageOptions storage,
    ValueLimits limits,
    int instances,
    boolean metrics,
    NodeSecurity security) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 9001;
  public static final boolean DEFAULT_METRICS = true;

  public NodeConfig {
    if (instances < 1)
      throw new IllegalArgumentException("instances must be >= 1 (was " + instances + ")");
    storage = storage.withWriterId(WriteOrder.writerIdOf(id));
    if (security == null) security = NodeSecurity.NONE;
  }

  /** A node without cluster secret or TLS. */
  public NodeConfig(
      String id,
      String host,
      int port,
      StorageOptions storage,
      ValueLimits limits,
      int instances,
      boolean metrics) {
    this(id, host, port, storage, limits, instances, metrics, NodeSecurity.NONE);
  }

  /** A node with metrics on (the default). */
  public NodeConfig(
      String id, String host, int port, StorageOptions storage, ValueLimits limits, int instances) {
    this(id, host, port, storage, limits, instances, DEFAULT_METRICS);
  }

  /** One event loop per core, as Vert.x sizes its pool. */
  public static int defaultInstances() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public NodeConfig withStorage(StorageOptions newStorage) {
    return new NodeConfig(id, host, port, newStorage, limits, instances, metrics, security);
  }

  public NodeConfig withLimits(ValueLimits newLimits) {
    return new NodeConfig(id, host, port, storage, newLimits, instances, metrics, security);
  }

  public NodeConfig withMetrics(boolean on) {
    return new NodeConfig(id, host, port, storage, limits, instances, on, security);
  }

  public NodeConfig withSecurity(NodeSecurity newSecurity) {
    return new NodeConfig(id, host, port, storage, limits, instances, metrics, newSecurity);
  }

  /** A node on a free loopback port with default storage in {@code dataDir}: for tests. */
  public static NodeConfig forTest(String id, Path dataDir) {
    return new NodeConfig(
        id,
        "127.0.0.1",
        0,
        StorageOptions.defaults(dataDir),
        ValueLimits.DEFAULTS,
        defaultInstances());
  }

  static Flags flags() {
    return NodeSecurity.declare(coreFlags());
  }

  private static Flags coreFlags() {
    return new Flags("px-kvstore node")
        .option("id", "node-1", "this node's id, as named in the cluster config")
        .option("host", DEFAULT_HOST, "address to listen on")
        .option("port", String.valueOf(DEFAULT_PORT), "port to listen on (0 = any free port)")
        .option(
            "instances",
            String.valueOf(defaultInstances()),
            "event loops serving HTTP (several nodes sharing a machine: cores / nodes)")
        .option("data", null, "data directory (default: ./data/<id>)")
        .option(
            "engine",
            "disk",
            "storage engine: disk (log-structured, durable) or memory (nothing on disk)")
        .option(
            "fsync",
            "always",
            "when writes are fsynced: always (before the ack, group commit), interval, never")
        .option(
            "fsync-interval-ms",
            String.valueOf(StorageOptions.DEFAULT_SYNC_INTERVAL_MILLIS),
            "with --fsync interval: the most data a power loss can take, in ms")
        .option(
            "cache-bytes", "64m", "LRU value cache size in bytes (k/m/g suffixes; 0 = no cache)")
        .option("segment-bytes", "64m", "segment file size before a new one is started")
        .option("max-value-bytes", "1m", "largest value accepted, in bytes of compact JSON")
        .option(
            "max-depth",
            String.valueOf(ValueLimits.DEFAULT_MAX_DEPTH),
            "deepest nesting of arrays/objects in a value")
        .option(
            "compact-dead-ratio",
            String.valueOf(CompactionPolicy.DEFAULT_DEAD_RATIO),
            "compact a closed segment once this share of it is dead (overwritten or deleted)")
        .option("compact-min-dead-bytes", "16m", "...and it holds at least this many dead bytes")
        .option(
            "compact-raw-ratio",
            String.valueOf(CompactionPolicy.DEFAULT_RAW_RATIO),
            "with --compression deflate: also compact a closed segment once this share of it is"
                + " values still stored as given, to deflate them")
        .toggle("no-auto-compact", "compact only when asked (POST /admin/compact)")
        .option(
            "tombstone-grace",
            "10d",
            "how long a delete's tombstone is kept (units ms, s, m, h, d); must outlive the"
                + " longest outage of a node you will bring back and the age of any backup you"
                + " may restore")
        .option(
            "clock-offset-ms",
            "0",
            "testing aid: added to this node's version clock, to simulate a skewed host clock")
        .option(
            "compression",
            "deflate",
            "how values are stored: deflate (zlib, kept only when smaller; written as given,"
                + " deflated by compaction) or none")
        .option(
            "compression-min-bytes",
            String.valueOf(ValueCoding.DEFAULT_MIN_BYTES),
            "values smaller than this are stored as given (k/m suffixes)")
        .option(
            "encryption-key-file",
            null,
            "encrypt values at rest (AES-256-GCM) with the keys of this file: one id:base64-32-bytes"
                + " per line, the last one encrypts new writes (see docs/OPERATIONS.md)")
        .toggle("recover", "start even if records are damaged: drop them and report how many")
        .option(
            "metrics",
            "on",
            "measure requests, storage, cache and fsyncs, served as GET /metrics: on or off");
  }

  /** Parses flags and the environment. Returns null when {@code --help} was asked for. */
  static NodeConfig fromArgs(String[] args, Map<String, String> env) throws UsageException {
    Flags f = flags();
    if (!f.parse(args, env)) return null;
    String id = f.string("id");
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new UsageException(
          "--id must be 1-64 letters, digits, '.', '_' or '-' (was '" + id + "')");
    }
    String data =
        env.containsKey(Flags.envName("data")) || contains(args, "--data")
            ? f.string("data")
            : "data/" + id;
    String engine = f.choice("engine", List.of("disk", "memory"));
    SyncMode sync =
        SyncMode.valueOf(f.choice("fsync", List.of("always", "interval", "never")).toUpperCase());
    StorageOptions storage =
        StorageOptions.defaults(Path.of(data))
            .withEngine(engine)
            .withSyncMode(sync)
            .withSyncIntervalMillis(f.integer("fsync-interval-ms", 1, 3_600_000))
            .withCacheBytes(f.bytes("cache-bytes", 0, 1L << 40))
            .withSegmentBytes(
                f.bytes("segment-bytes", StorageOptions.MIN_SEGMENT_BYTES, Integer.MAX_VALUE))
            .withRecover(f.bool("recover"))
            .withTombstoneGraceMillis(
                f.durationMillis("tombstone-grace", 0, 100L * 365 * 86_400_000))
            .withClockOffsetMillis(
                f.longInteger(
                    "clock-offset-ms",
                    -StorageOptions.MAX_CLOCK_OFFSET_MILLIS,
                    StorageOptions.MAX_CLOCK_OFFSET_MILLIS))
            .withCompaction(
                new CompactionPolicy(
                    !f.bool("no-auto-compact"),
                    f.fraction("compact-dead-ratio"),
                    f.bytes("compact-min-dead-bytes", 0, Long.MAX_VALUE),
                    CompactionPolicy.DEFAULT_CHECK_INTERVAL_MILLIS,
                    f.fraction("compact-raw-ratio")))
            .withCoding(coding(f));
    ValueLimits limits =
        new ValueLimits(
            (int) f.bytes("max-value-bytes", 1, 256L << 20), f.integer("max-depth", 1, 1000));
    return new NodeConfig(
        id,
        f.string("host"),
        f.integer("port", 0, 65535),
        storage,
        limits,
        f.integer("instances", 1, 1024),
        f.choice("metrics", List.of("on", "off")).equals("on"),
        NodeSecurity.read(f, env));
  }

  private static ValueCoding coding(Flags f) throws UsageException {
    Compression compression =
        Compression.valueOf(
            f.choice("compression", List.of("deflate", "none")).toUpperCase(Locale.ROOT));
    int minBytes = (int) f.bytes("compression-min-bytes", 0, 256L << 20);
    String keyFile = f.optional("encryption-key-file");
    EncryptionKeys keys = null;
    if (keyFile != null) {
      try {
        keys = EncryptionKeys.read(Path.of(keyFile));
      } catch (EncryptionKeyException e) {
        throw new UsageException("--encryption-key-file: " + e.getMessage());
      }
    }
    return new ValueCoding(compression, minBytes, keys);
  }

  private static boolean contains(String[] args, String flag) {
    for (String a : args) {
      if (a.equals(flag) || a.startsWith(flag + "=")) return true;
    }
    return false;
  }
}
