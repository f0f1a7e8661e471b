package io.pxkv.bench.baseline;

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
    Args args = Args.parse("BareServer", argv, "--port", "--instances");
    int port = args.integer("--port", null);
    int instances = args.integer("--instances", Runtime.getRuntime().availableProcessors());
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
