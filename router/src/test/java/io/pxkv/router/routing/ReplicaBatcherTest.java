package io.pxkv.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.RecordBatch;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.client.ViewTag;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ReplicaBatcher against a node that answers when the test says: the records of one event-loop turn
 * go as one request, in order, and each gets its own result; records that come while a batch is in
 * flight go together once it is answered, with what is left of the oldest one's deadline; a failed
 * call fails each record; a 4xx to several records sends each again alone, a stale view does not;
 * records of another view go apart.
 */
class ReplicaBatcherTest {
  private static final ViewTag TAG = new ViewTag("c", 1);
  private static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  /** A call the batcher made, answered by the test. */
  private record Call(ViewTag tag, Buffer body, long deadlineMs, Promise<NodeReply> reply) {
    List<String> keys() {
      return RecordBatch.decode(body).stream().map(RecordBatch.Entry::key).toList();
    }
  }

  private final List<Call> calls = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ReplicaBatcher batcher =
      new ReplicaBatcher(
          context,
          TIMEOUT_MS,
          (tag, body, deadlineMs) -> {
            Call c = new Call(tag, body, deadlineMs, Promise.promise());
            calls.add(c);
            return c.reply.future();
          },
          nanos::get);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T on(Supplier<T> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            done.complete(action.get());
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    T result = done.get(10, TimeUnit.SECONDS);
    // Lets the end-of-turn send run before the test looks at the calls.
    CompletableFuture<Void> turn = new CompletableFuture<>();
    context.runOnContext(v -> turn.complete(null));
    turn.get(10, TimeUnit.SECONDS);
    return result;
  }

  private static Buffer record(String key) {
    return RecordBatch.append(
        Buffer.buffer(),
        key.getBytes(StandardCharsets.UTF_8),
        "{}".getBytes(StandardCharsets.UTF_8),
        7,
        -1);
  }

  private List<Future<JsonObject>> submit(ViewTag tag, String... keys) throws Exception {
    return on(
        () -> {
          List<Future<JsonObject>> results = new ArrayList<>();
          for (String k : keys) results.add(batcher.submit(tag, record(k)));
          return results;
        });
  }

  private static NodeReply results(List<String> keys) {
    JsonArray all = new JsonArray();
    for (String k : keys) all.add(new JsonObject().put("applied", true).put("key", k));
    return new NodeReply(200, "application/json", new JsonObject().put("results", all).toBuffer());
  }

  private void answer(Call c, NodeReply reply) throws Exception {
    on(
        () -> {
          c.reply.complete(reply);
          return null;
        });
  }

  private static JsonObject result(Future<JsonObject> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<JsonObject> f) throws Exception {
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    f.onComplete(ar -> cause.complete(ar.failed() ? ar.cause() : null));
    return cause.get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneTurnsRecordsGoAsOneRequestAndEachGetsItsOwnResult() throws Exception {
    List<Future<JsonObject>> f = submit(TAG, "a", "b", "c");
    assertEquals(1, calls.size());
    assertEquals(List.of("a", "b", "c"), calls.get(0).keys());
    assertEquals(TAG, calls.get(0).tag());
    answer(calls.get(0), results(List.of("a", "b", "c")));
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of("a", "b", "c").get(i), result(f.get(i)).getString("key"));
    }
  }

  @Test
  void recordsThatComeWhileABatchIsInFlightGoTogetherWhenItIsAnswered() throws Exception {
    List<Future<JsonObject>> first = submit(TAG, "a");
    List<Future<JsonObject>> later = new ArrayList<>(submit(TAG, "b", "c"));
    later.addAll(submit(TAG, "d"));
    assertEquals(1, calls.size(), "nothing more is sent while a batch is in flight");
    answer(calls.get(0), results(List.of("a")));
    assertEquals("a", result(first.get(0)).getString("key"));
    assertEquals(2, calls.size());
    assertEquals(List.of("b", "c", "d"), calls.get(1).keys());
    answer(calls.get(1), results(List.of("b", "c", "d")));
    assertEquals("d", result(later.get(2)).getString("key"));
  }

  @Test
  void aBatchGetsWhatIsLeftOfItsOldestRecordsDeadline() throws Exception {
    submit(TAG, "a");
    assertEquals(TIMEOUT_MS, calls.get(0).deadlineMs());
    submit(TAG, "b");
    nanos.addAndGet(300_000_000L); // "b" waits 300 ms behind the batch in flight
    submit(TAG, "c");
    answer(calls.get(0), results(List.of("a")));
    assertEquals(List.of("b", "c"), calls.get(1).keys());
    assertEquals(TIMEOUT_MS - 300, calls.get(1).deadlineMs(), "what is left of b's deadline");
  }

  @Test
  void aFailedCallFailsEachRecordAndAStaleViewIsEachRecordsAnswer() throws Exception {
    List<Future<JsonObject>> f = submit(TAG, "a", "b");
    on(
        () -> {
          calls.get(0).reply.fail(new IllegalStateException("refused"));
          return null;
        });
    for (Future<JsonObject> r : f) assertEquals("refused", failure(r).getMessage());

    List<Future<JsonObject>> g = submit(TAG, "c", "d");
    NodeReply stale =
        new NodeReply(409, "application/json", Buffer.buffer("{\"error\":\"stale_view\"}"));
    answer(calls.get(1), stale);
    assertEquals(2, calls.size(), "a stale view is not sent again record by record");
    for (Future<JsonObject> r : g) {
      assertEquals(409, assertInstanceOf(ReplicaBatcher.Refused.class, failure(r)).reply.status());
    }
  }

  @Test
  void aRecordTheNodeRefusesDoesNotFailTheOthersOfItsBatch() throws Exception {
    List<Future<JsonObject>> f = submit(TAG, "good", "bad");
    NodeReply bad =
        new NodeReply(400, "application/json", Buffer.buffer("{\"error\":\"invalid_value\"}"));
    answer(calls.get(0), bad);
    assertEquals(3, calls.size(), "each record sent again alone");
    assertEquals(List.of("good"), calls.get(1).keys());
    assertEquals(List.of("bad"), calls.get(2).keys());
    answer(calls.get(1), results(List.of("good")));
    answer(calls.get(2), bad);
    assertEquals("good", result(f.get(0)).getString("key"));
    assertEquals(400, ((ReplicaBatcher.Refused) failure(f.get(1))).reply.status());
  }

  @Test
  void recordsRoutedByAnotherViewGoInABatchOfTheirOwn() throws Exception {
    ViewTag newer = new ViewTag("c", 2);
    List<Future<JsonObject>> f =
        on(
            () ->
                List.of(
                    batcher.submit(TAG, record("a")),
                    batcher.submit(newer, record("b")),
                    batcher.submit(newer, record("c"))));
    assertEquals(1, calls.size(), "the first view's batch went when the other view's came");
    assertEquals(List.of("a"), calls.get(0).keys());
    answer(calls.get(0), results(List.of("a")));
    assertEquals(2, calls.size());
    assertEquals(newer, calls.get(1).tag());
    assertEquals(List.of("b", "c"), calls.get(1).keys());
    answer(calls.get(1), results(List.of("b", "c")));
    assertTrue(result(f.get(2)).getBoolean("applied"));
  }
}
