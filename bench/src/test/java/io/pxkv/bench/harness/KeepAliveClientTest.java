package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The latency client against a real HTTP server: sized, chunked and closing answers. */
class KeepAliveClientTest {
  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(
                r ->
                    r.body()
                        .onSuccess(
                            body -> {
                              String echo = r.method() + " " + r.uri() + " " + body;
                              switch (r.path()) {
                                case "/chunked" -> {
                                  r.response().setChunked(true).write(echo.substring(0, 3));
                                  r.response().end(echo.substring(3));
                                }
                                case "/close" ->
                                    r.response().putHeader("Connection", "close").end(echo);
                                default -> r.response().setStatusCode(201).end(echo);
                              }
                            }))
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void answersComeWholeOnOneConnectionUntilTheServerClosesIt() {
    try (KeepAliveClient c =
        new KeepAliveClient("http://127.0.0.1:" + server.actualPort(), Duration.ofSeconds(5))) {
      byte[] body = "{\"é\":1}".getBytes(StandardCharsets.UTF_8);
      Http.Answer a = c.call("POST", "/sized?x=1", body, "application/json");
      assertEquals(new Http.Answer(201, "POST /sized?x=1 {\"é\":1}"), a);
      assertEquals(new Http.Answer(200, "GET /chunked "), c.call("GET", "/chunked", null, null));
      assertEquals(1, connections.get(), "one keep-alive connection");
      assertEquals(new Http.Answer(200, "GET /close "), c.call("GET", "/close", null, null));
      assertEquals(new Http.Answer(201, "GET /after "), c.call("GET", "/after", null, null));
      assertEquals(2, connections.get(), "a new connection after the server closed one");
    }
  }

  @Test
  void noServerMeansNoAnswer() throws Exception {
    int port = server.actualPort();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    try (KeepAliveClient c =
        new KeepAliveClient("http://127.0.0.1:" + port, Duration.ofSeconds(2))) {
      assertNull(c.call("GET", "/", null, null));
    }
  }
}
