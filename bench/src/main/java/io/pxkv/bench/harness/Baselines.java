package io.pxkv.bench.harness;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The baselines px-kvstore is measured against, each started on a free loopback port: {@code
 * BareServer} (one Vert.x hop's ceiling), {@code BareProxy} in front of one (one forwarding hop's
 * honest minimum), and webdis over redis-server (an off-the-shelf HTTP key-value front end). The
 * Java ones run from the bench jar with the same JVM options as px-kvstore.
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
