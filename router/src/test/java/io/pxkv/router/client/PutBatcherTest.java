package io.pxkv.router.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.PutBatch;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.forward.OnLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PutBatcher} in front of a real node: which calls a turn's PUTs become, and that each PUT
 * gets the node's own answer for it.
 */
class PutBatcherTest {
  /** Untagged: the node of this test belongs to no cluster. */
  private static final ViewTag TAG = null;

  @TempDir Path dataDir;
  private Vertx vertx;
  private Context loop;
  private NodeServer node;
  private NodeClient client;
  private PutBatcher batcher;

  /** The calls the batcher made, as "METHOD uri". */
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = NodeServer.start(vertx, NodeConfig.forTest("n1", dataDir)).await(30, TimeUnit.SECONDS);
    loop = vertx.getOrCreateContext();
    onLoop(
        () -> {
          client =
              new NodeClient(vertx, NodeInfo.of("n1", "127.0.0.1", node.port()), 5000, 1000, 4, 16);
          batcher =
              new PutBatcher(
                  vertx.getOrCreateContext(),
                  client.node(),
                  5000,
                  (tag, method, uri, contentType, body, deadlineMs) -> {
                    sent.add(method + " " + uri);
                    return client.call(tag, method, uri, contentType, body, deadlineMs);
                  });
          return Future.succeededFuture();
        });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void thePutsOfOneTurnGoInOneBatchAndEachGetsItsOwnAnswer() throws Exception {
    List<NodeReply> replies =
        onLoop(
            () ->
                all(
                    List.of(
                        path("a", "{\"n\":1}"),
                        path("b", "[true]"),
                        path("a", "2"),
                        path("bad", "{\"x\":"),
                        batcher.put(
                            TAG,
                            PutBatch.Form.BODY,
                            "c",
                            "/kv",
                            "application/json",
                            Buffer.buffer("{\"key\":\"c\",\"value\":\"see\"}")))));
    assertEquals(List.of("POST " + PutBatch.PATH), sent);

    assertEquals(201, replies.get(0).status());
    assertEquals(201, replies.get(1).status());
    assertEquals(200, replies.get(2).status());
    assertEquals(400, replies.get(3).status());
    assertEquals(201, replies.get(4).status());
    for (NodeReply r : replies) assertEquals("application/json", r.contentType());
    assertEquals("invalid_json", new JsonObject(replies.get(3).body()).getString("error"));
    long version = new JsonObject(replies.get(2).body()).getLong("version");
    assertEquals(
        "{\"key\":\"a\",\"value\":2,\"version\":" + version + "}",
        replies.get(2).body().toString());

    // What the node stored is what it answered.
    NodeReply read = onLoop(() -> client.call(null, HttpMethod.GET, "/kv/a", null, null));
    assertEquals(replies.get(2).body(), read.body());
    assertEquals(
        404, onLoop(() -> client.call(null, HttpMethod.GET, "/kv/bad", null, null)).status());
  }

  @Test
  void aLonePutOrALargeOneGoesAsItCame() throws Exception {
    NodeReply alone = onLoop(() -> path("alone", "1"));
    assertEquals(201, alone.status());
    assertEquals(List.of("PUT /kv/alone"), sent);

    sent.clear();
    String large = "\"" + "v".repeat(PutBatch.MAX_ENTRY_BYTES) + "\"";
    List<NodeReply> replies =
        onLoop(() -> all(List.of(path("x", "1"), path("large", large), path("y", "2"))));
    assertEquals(List.of("PUT /kv/large", "POST " + PutBatch.PATH), sent);
    assertEquals(List.of(201, 201, 201), replies.stream().map(NodeReply::status).toList());
  }

  @Test
  void aFullBatchIsSentAndTheRestStartTheNext() throws Exception {
    int count = PutBatch.MAX_ENTRIES + 3;
    List<NodeReply> replies =
        onLoop(
            () -> {
              List<Future<NodeReply>> puts = new ArrayList<>();
              for (int i = 0; i < count; i++) puts.add(path("k" + i, String.valueOf(i)));
              return all(puts);
            });
    assertEquals(List.of("POST " + PutBatch.PATH, "POST " + PutBatch.PATH), sent);
    for (int i = 0; i < count; i++) {
      assertEquals(201, replies.get(i).status());
      assertEquals(i, new JsonObject(replies.get(i).body()).getInteger("value"));
    }
  }

  @Test
  void whenTheNodeIsDownEveryPutOfTheBatchIsA503() throws Exception {
    node.close().await(30, TimeUnit.SECONDS);
    List<Throwable> failures =
        onLoop(
            () -> {
              List<Future<NodeReply>> puts =
                  List.of(path("p", "1"), path("q", "2"), path("r", "3"));
              return Future.join(puts)
                  .transform(
                      done -> Future.succeededFuture(puts.stream().map(Future::cause).toList()));
            });
    assertEquals(List.of("POST " + PutBatch.PATH), sent);
    for (Throwable failure : failures) {
      KvException e = assertInstanceOf(KvException.class, failure);
      assertEquals(ErrorCode.NODE_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("n1"), e.getMessage());
    }
  }

  private Future<NodeReply> path(String key, String value) {
    return batcher.put(
        TAG, PutBatch.Form.PATH, key, "/kv/" + key, "application/json", Buffer.buffer(value));
  }

  private static Future<List<NodeReply>> all(List<Future<NodeReply>> puts) {
    return Future.all(puts).map(done -> done.<NodeReply>list());
  }

  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    return OnLoop.await(loop, action);
  }
}
