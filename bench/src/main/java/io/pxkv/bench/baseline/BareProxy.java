package io.pxkv.bench.baseline;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * The honest minimum cost of one forwarding hop: a Vert.x HTTP server whose every request is sent
 * on, same method, URI and body, to one target over a pooled keep-alive HTTP client, and whose
 * answer is the target's status, Content-Type and body unchanged. No ring, no parsing: whatever a
 * real router does beyond this is its own overhead. One verticle instance per core, each with its
 * own client pool, as a router deployed the same way would have.
 *
 * <p>{@code java -cp bench.jar io.pxkv.bench.baseline.BareProxy --port N --target
 * http://127.0.0.1:M [--pool 64]}
 */
public final class BareProxy extends VerticleBase {
  /** Each forwarded call has a deadline, as the router's must. */
  static final long DEADLINE_MS = 5_000;

  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final int poolSize;
  private HttpClient client;

  BareProxy(int port, String targetHost, int targetPort, int poolSize) {
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.poolSize = poolSize;
  }

  public static void main(String[] argv) {
    Flags flags =
        new Flags("BareProxy")
            .option("port", null, "the port to listen on")
            .option("target", null, "the server to forward to, http://host:port")
            .option("pool", "64", "connections per instance")
            .option(
                "instances",
                String.valueOf(Runtime.getRuntime().availableProcessors()),
                "verticle instances");
    int port;
    URI target;
    int pool;
    int instances;
    try {
      if (!flags.parse(argv, System.getenv())) {
        System.out.print(flags.help());
        return;
      }
      port = flags.integer("port", 0, 65535);
      target = URI.create(flags.string("target"));
      if (!"http".equals(target.getScheme()) || target.getHost() == null || target.getPort() < 0) {
        throw new UsageException("--target must look like http://127.0.0.1:9001, got " + target);
      }
      pool = flags.integer("pool", 1, Integer.MAX_VALUE);
      instances = flags.integer("instances", 1, 1024);
    } catch (UsageException | IllegalArgumentException e) {
      System.err.println("BareProxy: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(
            () -> new BareProxy(port, target.getHost(), target.getPort(), pool),
            new DeploymentOptions().setInstances(instances))
        .onSuccess(
            id ->
                System.out.println(
                    "BareProxy listening on 127.0.0.1:"
                        + port
                        + " -> "
                        + target
                        + " with "
                        + instances
                        + " instances, pool "
                        + pool
                        + " each"))
        .onFailure(
            err -> {
              System.err.println("BareProxy: cannot listen on " + port + ": " + err.getMessage());
              System.exit(1);
            });
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDefaultHost(targetHost)
                .setDefaultPort(targetPort),
            new PoolOptions().setHttp1MaxSize(poolSize));
    return vertx.createHttpServer().requestHandler(this::forward).listen(port, "127.0.0.1");
  }

  private void forward(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    RequestOptions options =
        new RequestOptions().setMethod(req.method()).setURI(req.uri()).setIdleTimeout(DEADLINE_MS);
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    req.body()
        .compose(body -> client.request(options).compose(out -> out.send(body)))
        .compose(
            in ->
                in.body()
                    .map(
                        body -> {
                          resp.setStatusCode(in.statusCode());
                          String type = in.getHeader(HttpHeaders.CONTENT_TYPE);
                          if (type != null) {
                            resp.putHeader(HttpHeaders.CONTENT_TYPE, type);
                          }
                          return resp.end(body);
                        }))
        .onFailure(
            err -> {
              if (!resp.ended() && !resp.headWritten()) {
                resp.setStatusCode(502)
                    .putHeader(HttpHeaders.CONTENT_TYPE, BareServer.APPLICATION_JSON)
                    .end(
                        "{\"error\":\"bad_gateway\",\"message\":\""
                            + String.valueOf(err.getMessage()).replace('"', '\'')
                            + "\"}");
              }
            });
  }
}
