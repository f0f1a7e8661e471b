package io.pxkv.router.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.testing.Await;
import io.pxkv.router.forward.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeClient#call} and {@link NodeClient#stream} against a raw TCP server that answers,
 * stalls or hangs up on cue.
 */
class NodeClientTest {
  private Vertx vertx;
  private Context loop;
  private NetServer server;
  private final AtomicInteger connections = new AtomicInteger();

  /** Connections the server saw close. */
  private final AtomicInteger closedConnections = new AtomicInteger();

  /** Completes when the server sees its first connection close. */
  private final CompletableFuture<Void> firstClose = new CompletableFuture<>();

  private final List<NetSocket> sockets = new ArrayList<>();

  /** The request targets each connection carried, in the order the connections were opened. */
  private final List<List<String>> targetsByConnection = new ArrayList<>();

  /** What the server does with request number n (from 0): answer it, or stay silent. */
  private volatile java.util.function.IntPredicate answers = n -> true;

  /** Whether the server answers request number n with {@code Connection: close}, then hangs up. */
  private volatile java.util.function.IntPredicate closes = n -> false;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    AtomicInteger requests = new AtomicInteger();
    server =
        vertx
            .createNetServer()
            .connectHandler(
                socket -> {
                  synchronized (sockets) {
                    sockets.add(socket);
                  }
                  connections.incrementAndGet(); // after the add: a test waiting on it finds it
                  socket.closeHandler(
                      v -> {
                        closedConnections.incrementAndGet();
                        firstClose.complete(null);
                      });
                  List<String> targets = new ArrayList<>();
                  synchronized (targetsByConnection) {
                    targetsByConnection.add(targets);
                  }
                  StringBuilder in = new StringBuilder();
                  socket.handler(
                      bytes -> {
                        in.append(bytes.toString());
                        int end;
                        while ((end = in.indexOf("\r\n\r\n")) >= 0) {
                          String head = in.substring(0, end);
                          in.delete(0, end + 4);
                          String target =
                              head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/"));
                          synchronized (targetsByConnection) {
                            targets.add(target);
                          }
                          int n = requests.getAndIncrement();
                          if (target.startsWith("/scan")) {
                            scan(socket, target);
                          } else if (answers.test(n)) {
                            String body = "{\"target\":\"" + target + "\"}";
                            boolean close = closes.test(n);
                            socket.write(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                                    + (close ? "connection: close\r\n" : "")
                                    + "content-length: "
                                    + body.length()
                                    + "\r\n\r\n"
                                    + body);
                            if (close) {
                              socket.close();
                              return;
                            }
                          }
                        }
                      });
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  /**
   * A streamed answer: {@code /scan?n=K} is K chunked lines, {@code /scan-stall} one line, then
   * nothing more.
   */
  private static void scan(NetSocket socket, String target) {
    socket.write(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n");
    int lines = target.startsWith("/scan?n=") ? Integer.parseInt(target.substring(8)) : 1;
    for (int i = 0; i < lines; i++) {
      String line = "line " + i + "\n";
      socket.write(Integer.toHexString(line.length()) + "\r\n" + line + "\r\n");
    }
    if (target.startsWith("/scan?n=")) socket.write("0\r\n\r\n");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private NodeClient client(long timeoutMs, int poolSize) throws Exception {
    return client(timeoutMs, poolSize, 16);
  }

  private NodeClient client(long timeoutMs, int poolSize, int pipelining) throws Exception {
    return onLoop(
        () ->
            Future.succeededFuture(
                new NodeClient(
                    vertx,
                    NodeInfo.of("n1", "127.0.0.1", server.actualPort()),
                    timeoutMs,
                    1000,
                    poolSize,
                    pipelining)));
  }

  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    return OnLoop.await(loop, action);
  }

  private KvException failure(Supplier<Future<NodeReply>> call) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> onLoop(call));
    return (KvException) e.getCause();
  }

  @Test
  void pipelinedCallsEachGetTheirOwnAnswer() throws Exception {
    NodeClient client = client(5000, 1);
    List<NodeReply> replies =
        onLoop(
            () -> {
              List<Future<NodeReply>> calls = new ArrayList<>();
              for (int i = 0; i < 50; i++) {
                calls.add(client.call(null, HttpMethod.GET, "/kv?key=k" + i, null, null));
              }
              return Future.all(calls).map(all -> all.<NodeReply>list());
            });
    for (int i = 0; i < 50; i++) {
      assertEquals("{\"target\":\"/kv?key=k" + i + "\"}", replies.get(i).body().toString());
    }
    assertEquals(1, connections.get(), "one connection carried them all");
  }

  @Test
  void keyReadsOfOneTurnShareAConnectionWhileOtherCallsSpreadOverIdleOnes() throws Exception {
    NodeClient client = client(5000, 4);
    onLoop(() -> Future.all(calls(client, HttpMethod.DELETE, "/kv/open", 4)).mapEmpty());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (onLoop(() -> Future.succeededFuture(client.openConnections())) < 4) {
      assertTrue(System.nanoTime() < deadline, "the pool never opened its four connections");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    int[] before = requestsPerConnection();
    onLoop(() -> Future.all(calls(client, HttpMethod.GET, "/kv?key=read", 8)).mapEmpty());
    assertEquals(
        List.of(0, 0, 0, 8), sortedGrowth(before), "the turn's key reads went out together");

    // A page may take the node a while: it neither joins nor is joined.
    before = requestsPerConnection();
    onLoop(
        () -> {
          List<Future<NodeReply>> calls = calls(client, HttpMethod.GET, "/kv?prefix=p&n=", 1);
          calls.addAll(calls(client, HttpMethod.GET, "/kv/read", 2));
          return Future.all(calls).mapEmpty();
        });
    assertEquals(List.of(0, 0, 1, 2), sortedGrowth(before));

    // Nor do writes: a node answers a connection's requests in order, and a write waits its turn.
    before = requestsPerConnection();
    onLoop(() -> Future.all(calls(client, HttpMethod.DELETE, "/kv/write", 4)).mapEmpty());
    assertEquals(List.of(1, 1, 1, 1), sortedGrowth(before), "one per idle connection");
    assertEquals(4, connections.get());
  }

  /** {@code count} calls of {@code method} on {@code uriPrefix + i}, handed over in this turn. */
  private static List<Future<NodeReply>> calls(
      NodeClient client, HttpMethod method, String uriPrefix, int count) {
    List<Future<NodeReply>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(client.call(null, method, uriPrefix + i, null, null));
    }
    return calls;
  }

  private int[] requestsPerConnection() {
    synchronized (targetsByConnection) {
      return targetsByConnection.stream().mapToInt(List::size).toArray();
    }
  }

  private List<Integer> sortedGrowth(int[] before) {
    int[] now = requestsPerConnection();
    List<Integer> growth = new ArrayList<>();
    for (int i = 0; i < now.length; i++) {
      growth.add(now[i] - (i < before.length ? before[i] : 0));
    }
    growth.sort(null);
    return growth;
  }

  @Test
  void aSilentNodeIsA504AtTheDeadlineAndTheNextCallGetsAFreshConnection() throws Exception {
    NodeClient client = client(300, 1);
    answers = n -> n != 0;
    long start = System.nanoTime();
    KvException late = failure(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(ErrorCode.UPSTREAM_TIMEOUT, late.code());
    assertTrue(tookMs >= 300 && tookMs < 3000, "took " + tookMs + " ms");
    assertTrue(client.lastError().contains("did not answer"), client.lastError());
    NodeReply next = onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=b", null, null));
    assertEquals(200, next.status());
    assertEquals(2, connections.get(), "the stuck connection was given up");
    assertEquals(null, client.lastError());
  }

  @Test
  void aConnectionUnusedForTheIdleTimeIsClosedAndTheNextCallOpensAnother() throws Exception {
    NodeClient client =
        onLoop(
            () ->
                Future.succeededFuture(
                    new NodeClient(
                        vertx,
                        NodeInfo.of("n1", "127.0.0.1", server.actualPort()),
                        5000,
                        1000,
                        1,
                        16,
                        1000,
                        false,
                        io.pxkv.common.auth.NodeAccess.NONE)));
    // Eight calls, each sent when the one before is answered: busy throughout, so one connection.
    for (int i = 0; i < 8; i++) {
      assertEquals(
          200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null)).status());
    }
    assertEquals(1, connections.get(), "a connection in use stays open");
    assertFalse(firstClose.isDone(), "a connection in use stays open");
    firstClose.get(10, TimeUnit.SECONDS); // then idle for 1 s: closed by the sweep
    assertEquals(
        200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=b", null, null)).status());
    assertEquals(2, connections.get(), "the next call opened a fresh connection");
    assertEquals(null, client.lastError());
  }

  @Test
  void aConnectionClosedMidCallIsA503() throws Exception {
    NodeClient client = client(5000, 1);
    answers = n -> false;
    AtomicReference<Future<NodeReply>> pending = new AtomicReference<>();
    onLoop(
        () -> {
          pending.set(
              client.call(null, HttpMethod.PUT, "/kv/a", "application/json", Buffer.buffer("1")));
          return Future.succeededFuture();
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connections.get() == 0) {
      assertTrue(System.nanoTime() < deadline, "the client never connected");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    synchronized (sockets) {
      sockets.get(0).close();
    }
    KvException closed = failure(pending::get);
    assertEquals(ErrorCode.NODE_UNAVAILABLE, closed.code());
  }

  @Test
  void closingTheClientFailsACallStillWaitingForItsConnection() throws Exception {
    NodeClient client = client(5000, 1);
    // The call waits for the connection it just asked for; the close comes before it opens.
    KvException closing =
        failure(
            () -> {
              Future<NodeReply> call = client.call(null, HttpMethod.GET, "/kv?key=a", null, null);
              client.close();
              return call;
            });
    assertEquals(ErrorCode.NODE_UNAVAILABLE, closing.code());
    assertTrue(closing.getMessage().contains("closing"), closing.getMessage());
  }

  @Test
  void closingWhenIdleLetsAStreamInFlightEndThenClosesItsConnection() throws Exception {
    NodeClient client = client(5000, 2);
    NodeStream stream = onLoop(() -> client.stream(null, "/scan?n=200000").map(NodeStream::pause));
    assertEquals(
        200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null)).status());
    CompletableFuture<Void> closed = new CompletableFuture<>();
    String body =
        onLoop(
                () -> {
                  // As a view without the node is published while a listing reads its scan.
                  client.closeWhenIdle().onComplete(ar -> closed.complete(null));
                  Future<Buffer> all = stream.body();
                  stream.resume();
                  return all;
                })
            .toString();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 200_000; i++) expected.append("line ").append(i).append('\n');
    assertEquals(expected.toString(), body, "the stream read to its end");
    closed.get(10, TimeUnit.SECONDS);
    Await.until(
        "both connections closed", Duration.ofSeconds(10), () -> closedConnections.get() == 2);
    KvException after = failure(() -> client.call(null, HttpMethod.GET, "/kv?key=b", null, null));
    assertEquals(ErrorCode.NODE_UNAVAILABLE, after.code());
  }

  @Test
  void aRefusedConnectionIsA503AtOnce() throws Exception {
    NodeClient client = client(5000, 2);
    server.close().await(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    KvException refused = failure(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null));
    assertEquals(ErrorCode.NODE_UNAVAILABLE, refused.code());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void requestsCarryMethodHostLengthTypeAndBody() throws Exception {
    Buffer encoded =
        RequestEncoder.encode(
            new ViewTag("c1", 7),
            HttpMethod.PUT,
            "/kv/a%20b",
            "127.0.0.1:9001",
            "Bearer s3cret-s3cret-s3cret",
            "application/json",
            Buffer.buffer("{\"x\":1}"));
    assertEquals(
        "PUT /kv/a%20b HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nAuthorization: Bearer"
            + " s3cret-s3cret-s3cret\r\nX-Pxkv-Cluster: c1\r\nX-Pxkv-Epoch:"
            + " 7\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"x\":1}",
        encoded.toString());
    assertEquals(
        "GET /kv?key=a HTTP/1.1\r\nHost: h:1\r\n\r\n",
        RequestEncoder.encode(null, HttpMethod.GET, "/kv?key=a", "h:1", null, null, null)
            .toString());
  }

  @Test
  void callsWaitingWhenAConnectionAnswersCloseGoToAnotherConnection() throws Exception {
    closes = n -> n == 0;
    NodeClient client = client(5000, 1, 1); // one connection, one call at a time: two wait
    List<NodeReply> replies =
        onLoop(
            () ->
                Future.all(calls(client, HttpMethod.DELETE, "/kv/c", 3))
                    .map(all -> all.<NodeReply>list()));
    assertEquals(List.of(200, 200, 200), replies.stream().map(NodeReply::status).toList());
    assertEquals("{\"target\":\"/kv/c2\"}", replies.get(2).body().toString());
    assertEquals(2, connections.get(), "the waiting calls went on a new connection");
    assertEquals(null, client.lastError());
  }

  @Test
  void aStreamIsReadWithBackPressureAndItsConnectionGoesBackToThePool() throws Exception {
    NodeClient client = client(5000, 1);
    String body =
        onLoop(
            () ->
                client.stream(null, "/scan?n=2000")
                    .compose(
                        in -> {
                          assertEquals(200, in.statusCode());
                          assertEquals("text/plain", in.contentType());
                          io.vertx.core.Promise<String> all = io.vertx.core.Promise.promise();
                          StringBuilder read = new StringBuilder();
                          in.handler(
                              chunk -> {
                                read.append(chunk);
                                in.pause(); // a slow reader: the next bytes wait for it
                                vertx.setTimer(1, id -> in.resume());
                              });
                          in.exceptionHandler(all::tryFail);
                          in.endHandler(v -> all.tryComplete(read.toString()));
                          return all.future();
                        }));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 2000; i++) expected.append("line ").append(i).append('\n');
    assertEquals(expected.toString(), body);
    assertEquals(
        200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null)).status());
    assertEquals(1, connections.get(), "the call went on the connection the stream gave back");
  }

  @Test
  void aStalledStreamFailsAtTheDeadlineButNotWhileItsReaderIsPaused() throws Exception {
    NodeClient client = client(300, 1);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    AtomicReference<NodeStream> opened = new AtomicReference<>();
    onLoop(
        () ->
            client.stream(null, "/scan-stall")
                .map(
                    in -> {
                      in.pause();
                      in.handler(chunk -> {});
                      in.exceptionHandler(failure::complete);
                      opened.set(in);
                      return null;
                    }));
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(900)); // three deadlines
    assertFalse(failure.isDone(), "a paused reader is not the node's delay");
    long resumed = System.nanoTime();
    onLoop(
        () -> {
          opened.get().resume();
          return Future.succeededFuture();
        });
    Throwable late = failure.get(10, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
    assertEquals(ErrorCode.UPSTREAM_TIMEOUT, ((KvException) late).code());
    assertTrue(tookMs >= 250 && tookMs < 3000, "took " + tookMs + " ms");
  }

  @Test
  void callsGoBesideAStreamAndADroppedStreamClosesItsConnection() throws Exception {
    NodeClient client = client(5000, 1);
    NodeStream stream = onLoop(() -> client.stream(null, "/scan-stall"));
    assertEquals(
        200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null)).status());
    assertEquals(2, connections.get(), "the call did not wait behind the stream");
    onLoop(
        () -> {
          NodeClient.discard(stream);
          return Future.succeededFuture();
        });
    firstClose.get(10, TimeUnit.SECONDS);
    assertEquals(
        200, onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=b", null, null)).status());
    assertEquals(2, connections.get());
  }

  @Test
  void withVertxsClientForCallsStreamsStillWork() throws Exception {
    NodeClient client =
        onLoop(
            () ->
                Future.succeededFuture(
                    new NodeClient(
                        vertx,
                        NodeInfo.of("n1", "127.0.0.1", server.actualPort()),
                        5000,
                        1000,
                        2,
                        16,
                        true)));
    NodeReply reply = onLoop(() -> client.call(null, HttpMethod.GET, "/kv?key=a", null, null));
    assertEquals("{\"target\":\"/kv?key=a\"}", reply.body().toString());
    String body =
        onLoop(() -> client.stream(null, "/scan?n=3").compose(NodeStream::body)).toString();
    assertEquals("line 0\nline 1\nline 2\n", body);
    onLoop(client::close);
  }

  @Test
  void aStreamTakingTheConnectionACallOpenedLeavesTheCallAnother() throws Exception {
    NodeClient client = client(3000, 1, 1);
    NodeReply reply =
        onLoop(
            () -> {
              Future<NodeReply> call = client.call(null, HttpMethod.GET, "/kv?key=a", null, null);
              client.stream(null, "/scan-stall"); // waits, and is first on the new connection
              return call;
            });
    assertEquals(200, reply.status());
    assertEquals(2, connections.get());
  }

  @Test
  void aPausedStreamHandsOutNothingUntilResumedThenEnds() throws Exception {
    NodeClient client = client(5000, 1);
    AtomicInteger chunks = new AtomicInteger();
    NodeStream stream =
        onLoop(
            () -> {
              Future<NodeStream> head = client.stream(null, "/scan?n=50");
              return head.map(
                  in -> {
                    in.handler(chunk -> chunks.incrementAndGet());
                    return in;
                  });
            });
    onLoop(() -> Future.succeededFuture(stream.pause()));
    // Whatever came before the pause was handed out; from now on nothing is.
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    int seen = chunks.get();
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    assertEquals(seen, chunks.get(), "a paused stream hands out nothing");
    CompletableFuture<Void> ended = new CompletableFuture<>();
    onLoop(
        () -> {
          stream.endHandler(v -> ended.complete(null));
          stream.resume();
          return Future.succeededFuture();
        });
    ended.get(10, TimeUnit.SECONDS);
    assertTrue(chunks.get() > 0);
  }
}
