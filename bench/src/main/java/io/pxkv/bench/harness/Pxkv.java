package io.pxkv.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * px-kvstore processes from the launcher jar, each on a free loopback port with its data in the
 * scenario's temp folder: nodes, routers, and a router in front of N nodes.
 */
public final class Pxkv {
  private final Bench bench;

  Pxkv(Bench bench) {
    this.bench = bench;
  }

  /** A cluster: its nodes ({@code node-1 ..}), the router in front of them, its cluster file. */
  public record Cluster(List<Server> nodes, Server router, Path clusterFile) {}

  /** A node started on a folder and timed: milliseconds from launch to /health 200 and log line. */
  public record TimedStart(Server server, long healthMillis, long logLineMillis) {}

  /**
   * A node with {@code --cache-bytes cacheBytes} and {@code flags}, or the run's node flags ({@code
   * --fsync never}) when {@code flags} is empty; its data in a fresh folder.
   */
  public Server node(String name, String id, long cacheBytes, List<String> flags) {
    Path dir = bench.temp().resolve("data").resolve(name);
    List<String> all = new ArrayList<>(List.of("--cache-bytes", Long.toString(cacheBytes)));
    all.addAll(flags.isEmpty() ? bench.settings().nodeFlags() : flags);
    return startNode(name, id, dir, all);
  }

  /** The flags of a node of a cluster scenario: the node flags plus its share of event loops. */
  public List<String> clusterNodeFlags() {
    List<String> f = new ArrayList<>(bench.settings().nodeFlags());
    f.add("--instances");
    f.add(Integer.toString(bench.settings().clusterNodeInstances()));
    return f;
  }

  /**
   * {@code count} nodes configured like the cache-on node plus their share of event loops, the
   * first {@code inFile} of them in the cluster file, and a router in front; {@code options} may
   * change the router's flags.
   */
  public Cluster cluster(String name, int count, int inFile, UnaryOperator<RouterOptions> options) {
    List<Server> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(
          node(
              name + "-node-" + i,
              ClusterFile.nodeId(i),
              bench.settings().cacheBytes(),
              clusterNodeFlags()));
    }
    Path file = bench.temp().resolve(name + "-cluster.json");
    ClusterFile.write(file, nodes.subList(0, inFile));
    copy(file, bench.results().resolve(name + "-cluster.json"));
    Server router = router(name, options.apply(RouterOptions.of(file)));
    return new Cluster(nodes, router, file);
  }

  /**
   * {@code count} nodes run from the launcher jar {@code jar} with the cache-on node's cache and
   * {@code nodeFlags}, all of them in a cluster file asking for {@code replicas} (null: one copy of
   * each key), and a router from the same jar with default options in front.
   */
  public Cluster cluster(
      String name, int count, ClusterFile.Replicas replicas, List<String> nodeFlags, Path jar) {
    List<Server> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String node = name + "-node-" + i;
      List<String> flags =
          new ArrayList<>(List.of("--cache-bytes", Long.toString(bench.settings().cacheBytes())));
      flags.addAll(nodeFlags);
      nodes.add(
          startNode(
              node, ClusterFile.nodeId(i), bench.temp().resolve("data").resolve(node), flags, jar));
    }
    Path file = bench.temp().resolve(name + "-cluster.json");
    ClusterFile.write(file, nodes, replicas);
    copy(file, bench.results().resolve(name + "-cluster.json"));
    Server router = router(name, RouterOptions.of(file), jar);
    return new Cluster(nodes, router, file);
  }

  /**
   * Like {@link #cluster} with TLS on both hops: each node serves HTTPS with {@code certs}' pair
   * and is named {@code https://} in the cluster file, the router serves HTTPS with the same pair
   * and trusts the CA for its nodes. Ready when each prints its listening line (the harness's own
   * HTTP client does not trust the test CA).
   */
  public Cluster tlsCluster(String name, int count, Certificates certs) {
    List<String> tls =
        List.of("--tls-cert", certs.cert().toString(), "--tls-key", certs.key().toString());
    List<Server> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String node = name + "-node-" + i;
      Path dir = bench.temp().resolve("data").resolve(node);
      Baselines.createDirectories(dir);
      List<String> flags =
          new ArrayList<>(List.of("--cache-bytes", Long.toString(bench.settings().cacheBytes())));
      flags.addAll(clusterNodeFlags());
      flags.addAll(tls);
      int port = bench.freePort();
      ManagedProcess p = bench.start(node, nodeCommand(ClusterFile.nodeId(i), port, dir, flags));
      bench.awaitLogLine(p, "listening on port");
      nodes.add(new Server(node, port, p, Api.KV, true));
    }
    Path file = bench.temp().resolve(name + "-cluster.json");
    ClusterFile.write(file, nodes);
    copy(file, bench.results().resolve(name + "-cluster.json"));
    int port = bench.freePort();
    List<String> c = launcher("router", "--host", "127.0.0.1", "--port", Integer.toString(port));
    c.addAll(RouterOptions.of(file).args());
    c.addAll(tls);
    c.addAll(List.of("--node-ca", certs.ca().toString()));
    ManagedProcess p = bench.start(name, c);
    bench.awaitLogLine(p, "router listening on port");
    return new Cluster(nodes, new Server(name, port, p, Api.KV, true), file);
  }

  /** A router with {@code options}. */
  public Server router(String name, RouterOptions options) {
    return router(name, options, bench.settings().pxkvJar());
  }

  /** A router with {@code options}, run from the launcher jar {@code jar}. */
  public Server router(String name, RouterOptions options, Path jar) {
    int port = bench.freePort();
    List<String> c =
        launcher(jar, "router", "--host", "127.0.0.1", "--port", Integer.toString(port));
    c.addAll(options.args());
    ManagedProcess p = bench.start(name, c);
    Server s = new Server(name, port, p, Api.KV);
    bench.awaitReady(p, s.url() + "/health", null);
    return s;
  }

  /**
   * A node on {@code dir} (new or holding data from before), timed from launching the JVM to its
   * first {@code /health} 200 and to its {@code listening on port} log line, both polled every 20
   * ms. {@code flags} are all its flags after {@code --data}.
   */
  public TimedStart nodeIn(String name, String id, Path dir, List<String> flags) {
    return nodeIn(name, id, dir, flags, bench.settings().pxkvJar());
  }

  /** As {@link #nodeIn(String, String, Path, List)}, run from the launcher jar {@code jar}. */
  public TimedStart nodeIn(String name, String id, Path dir, List<String> flags, Path jar) {
    int port = bench.freePort();
    Baselines.createDirectories(dir);
    List<String> c = nodeCommand(id, port, dir, flags, jar);
    long t0 = System.nanoTime();
    ManagedProcess p = bench.start(name, c);
    Server s = new Server(name, port, p, Api.KV);
    long deadline = t0 + bench.settings().startTimeoutSeconds() * 1_000_000_000L;
    long logLine = -1;
    while (System.nanoTime() < deadline) {
      long now = System.nanoTime();
      if (logLine < 0 && p.logText().contains("listening on port")) {
        logLine = (now - t0) / 1_000_000;
      }
      if (bench.http().answers(s.url() + "/health", null)) {
        long health = (System.nanoTime() - t0) / 1_000_000;
        if (logLine < 0) {
          logLine = health;
        }
        Log.info(
            name
                + " ready at "
                + s.url()
                + " after "
                + health
                + " ms (log line after "
                + logLine
                + " ms)");
        return new TimedStart(s, health, logLine);
      }
      if (!p.alive()) {
        throw new BenchException(name + " exited before it was ready: " + p.lastLogLine());
      }
      Bench.pause(20);
    }
    throw new BenchException(
        name + " did not answer /health within " + bench.settings().startTimeoutSeconds() + " s");
  }

  private Server startNode(String name, String id, Path dir, List<String> flags) {
    return startNode(name, id, dir, flags, bench.settings().pxkvJar());
  }

  private Server startNode(String name, String id, Path dir, List<String> flags, Path jar) {
    int port = bench.freePort();
    Baselines.createDirectories(dir);
    ManagedProcess p = bench.start(name, nodeCommand(id, port, dir, flags, jar));
    Server s = new Server(name, port, p, Api.KV);
    bench.awaitReady(p, s.url() + "/health", null);
    return s;
  }

  private List<String> nodeCommand(String id, int port, Path dir, List<String> flags) {
    return nodeCommand(id, port, dir, flags, bench.settings().pxkvJar());
  }

  private List<String> nodeCommand(String id, int port, Path dir, List<String> flags, Path jar) {
    List<String> c =
        launcher(
            jar,
            "node",
            "--id",
            id,
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--data",
            dir.toString());
    c.addAll(flags);
    return c;
  }

  private List<String> launcher(String command, String... args) {
    return launcher(bench.settings().pxkvJar(), command, args);
  }

  private List<String> launcher(Path jar, String command, String... args) {
    Settings s = bench.settings();
    List<String> c = new ArrayList<>();
    c.add(s.javaBin());
    c.addAll(s.javaOpts());
    c.add("-jar");
    c.add(jar.toString());
    c.add(command);
    c.addAll(List.of(args));
    return c;
  }

  static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
