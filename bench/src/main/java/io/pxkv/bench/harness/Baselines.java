package io.pxkv.bench.harness;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The baselines px-kvstore is measured against, each started on a free loopback port: {@code
 * BareServer} (one Vert.x hop's ceiling), {@code BareProxy} in front of one (one forwarding hop's
 * honest minimum), webdis over redis-server (an off-the-shelf HTTP key-value front end) and an etcd
 * cluster (a replicated, durable one). The Java ones run from the bench jar with the same JVM
 * options as px-kvstore.
 */
public final class Baselines {
  private final Bench bench;

  Baselines(Bench bench) {
    this.bench = bench;
  }

  /** A {@code BareServer}: every request answered with the same 35-byte JSON body. */
  public Server bareServer(String name) {
    int port = bench.freePort();
    ManagedProcess p =
        bench.start(
            name, java("io.pxkv.bench.baseline.BareServer", "--port", Integer.toString(port)));
    Server s = new Server(name, port, p, Api.KV);
    bench.awaitReady(p, s.url() + "/health", null);
    return s;
  }

  /**
   * A {@code BareProxy} forwarding to {@code target}: pooled keep-alive client, pool 64 per event
   * loop, 5 s deadline per call.
   */
  public Server bareProxy(String name, Server target) {
    int port = bench.freePort();
    ManagedProcess p =
        bench.start(
            name,
            java(
                "io.pxkv.bench.baseline.BareProxy",
                "--port",
                Integer.toString(port),
                "--target",
                target.url(),
                "--pool",
                "64"));
    Server s = new Server(name, port, p, Api.KV);
    bench.awaitReady(p, s.url() + "/health", null);
    return s;
  }

  /**
   * redis-server alone with persistence off (no RDB, no AOF), ready once it answers PING; {@code
   * redisFlags} are added to its own. Its {@link Server#port} speaks RESP ({@link Resp}), not HTTP.
   */
  public Server redis(String name, String... redisFlags) {
    Settings s = bench.settings();
    int redisPort = bench.freePort();
    Path redisDir = bench.temp().resolve(name);
    createDirectories(redisDir);
    List<String> redis =
        new ArrayList<>(
            List.of(
                Tool.REDIS.find(s.searchPath()).toString(),
                "--port",
                Integer.toString(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                redisDir.toString(),
                "--daemonize",
                "no",
                "--protected-mode",
                "no"));
    redis.addAll(List.of(redisFlags));
    ManagedProcess redisProcess = bench.start(name, redis);

    long deadline = System.nanoTime() + s.startTimeoutSeconds() * 1_000_000_000L;
    while (true) {
      try (Resp r = new Resp(redisPort)) {
        if ("PONG".equals(r.call("PING"))) break;
      } catch (java.io.IOException e) {
        // not up yet
      }
      if (!redisProcess.alive() || System.nanoTime() > deadline) {
        throw new BenchException("redis-server did not start: " + redisProcess.lastLogLine());
      }
      Bench.pause(20);
    }
    return new Server(name, redisPort, redisProcess, Api.WEBDIS);
  }

  /**
   * redis-server with persistence off (no RDB, no AOF) and webdis in front of it (threads = cores),
   * from the template {@code bench/webdis.json}. {@code redisFlags} are added to redis-server's (a
   * later scenario's {@code --appendonly yes --appendfsync always}).
   */
  public Server webdis(String name, String... redisFlags) {
    Settings s = bench.settings();
    Server redisServer = redis(name + "-redis", redisFlags);
    int redisPort = redisServer.port();
    ManagedProcess redisProcess = redisServer.process();

    int webdisPort = bench.freePort();
    Path config = bench.temp().resolve(name + ".json");
    JsonObject json = new JsonObject(read(s.root().resolve("bench/webdis.json")));
    json.put("redis_port", redisPort)
        .put("http_port", webdisPort)
        .put("threads", s.cores())
        .put("logfile", bench.results().resolve(name + "-own.log").toString());
    write(config, json.encodePrettily());
    ManagedProcess webdis =
        bench.start(name, List.of(Tool.WEBDIS.find(s.searchPath()).toString(), config.toString()));
    Server server = new Server(name, webdisPort, webdis, Api.WEBDIS);
    bench.awaitReady(webdis, server.url() + "/PING", "PONG");
    if (!redisProcess.alive()) {
      throw new BenchException("redis-server exited: " + redisProcess.lastLogLine());
    }
    return server;
  }

  /**
   * An etcd cluster of {@code members} members on loopback (each its own client and peer port and
   * data folder, default durability: every write in the WAL fsynced before its answer), ready when
   * every member's {@code /health} says so. Returns the members, the one leading the raft group
   * first: a client pointed at it pays no forwarding hop, the best case for etcd.
   */
  public List<Server> etcdCluster(String name, int members) {
    Settings s = bench.settings();
    String exe = Tool.ETCD.find(s.searchPath()).toString();
    int[] client = new int[members];
    int[] peer = new int[members];
    List<String> initial = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      client[i] = bench.freePort();
      peer[i] = bench.freePort();
      initial.add(name + "-" + (i + 1) + "=http://127.0.0.1:" + peer[i]);
    }
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      String member = name + "-" + (i + 1);
      Path dir = bench.temp().resolve(member);
      createDirectories(dir);
      String clientUrl = "http://127.0.0.1:" + client[i];
      String peerUrl = "http://127.0.0.1:" + peer[i];
      ManagedProcess p =
          bench.start(
              member,
              List.of(
                  exe,
                  "--name",
                  member,
                  "--data-dir",
                  dir.toString(),
                  "--listen-client-urls",
                  clientUrl,
                  "--advertise-client-urls",
                  clientUrl,
                  "--listen-peer-urls",
                  peerUrl,
                  "--initial-advertise-peer-urls",
                  peerUrl,
                  "--initial-cluster",
                  String.join(",", initial),
                  "--initial-cluster-token",
                  name,
                  "--initial-cluster-state",
                  "new",
                  "--logger",
                  "zap",
                  "--log-outputs",
                  "stderr",
                  "--log-level",
                  "warn"));
      servers.add(new Server(member, client[i], p, Api.ETCD));
    }
    for (Server m : servers) {
      bench.awaitReady(m.process(), m.url() + "/health", "\"health\":\"true\"");
    }
    for (Server m : servers) {
      JsonObject status =
          bench
              .http()
              .postJson(
                  m.url() + "/v3/maintenance/status",
                  "{}".getBytes(StandardCharsets.UTF_8),
                  "application/json",
                  Duration.ofSeconds(5));
      Object self = status.getJsonObject("header", new JsonObject()).getValue("member_id");
      Object leader = status.getValue("leader");
      if (self != null && String.valueOf(self).equals(String.valueOf(leader))) {
        Log.info(name + ": " + m.name() + " leads");
        List<Server> ordered = new ArrayList<>(List.of(m));
        servers.stream().filter(x -> x != m).forEach(ordered::add);
        return ordered;
      }
    }
    Log.info(name + ": no member said it leads");
    return servers;
  }

  private List<String> java(String mainClass, String... args) {
    Settings s = bench.settings();
    List<String> c = new ArrayList<>();
    c.add(s.javaBin());
    c.addAll(s.javaOpts());
    c.add("-cp");
    c.add(s.benchJar().toString());
    c.add(mainClass);
    c.addAll(List.of(args));
    return c;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
