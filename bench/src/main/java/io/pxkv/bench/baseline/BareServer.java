package io.pxkv.bench.baseline;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/**
 * The ceiling for a single Vert.x HTTP hop on this machine: answers every request, whatever its
 * method, path or body, with the same small JSON document. It reads (and drops) the request body
 * before answering, as a real server has to. One verticle instance per core.
 *
 * <p>{@code java -cp bench.jar io.pxkv.bench.baseline.BareServer --port N}
 */
public final class BareServer extends VerticleBase {
  static final byte[] BODY =
      "{\"key\":\"k\",\"value\":\"v\",\"version\":1}".getBytes(StandardCharsets.UTF_8);
  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final int port;

  BareServer(int port) {
    this.port = port;
  }

  public static void main(String[] argv) {
    Flags flags =
        new Flags("BareServer")
            .option("port", null, "the port to listen on")
            .option(
                "instances",
                String.valueOf(Runtime.getRuntime().availableProcessors()),
                "verticle instances");
    int port;
    int instances;
    try {
      if (!flags.parse(argv, System.getenv())) {
        System.out.print(flags.help());
        return;
      }
      port = flags.integer("port", 0, 65535);
      instances = flags.integer("instances", 1, 1024);
    } catch (UsageException e) {
      System.err.println("BareServer: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(
            id ->
                System.out.println(
                    "BareServer listening on 127.0.0.1:"
                        + port
                        + " with "
                        + instances
                        + " instances"))
        .onFailure(
            err -> {
              System.err.println("BareServer: cannot listen on " + port + ": " + err.getMessage());
              System.exit(1);
            });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(BareServer::answer).listen(port, "127.0.0.1");
  }

  private static void answer(HttpServerRequest req) {
    req.handler(ignored -> {});
    req.endHandler(
        v ->
            req.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .end(Buffer.buffer(BODY)));
  }
}
