package io.pxkv.node.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.CompactionPolicy;
import io.pxkv.node.storage.FaultyStorageFiles;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Puts asked for in one event-loop turn reach the log together, and each caller gets its own. */
class TurnPutsTest {
  @TempDir Path dir;
  Vertx vertx;
  FaultyStorageFiles files;
  StorageService storage;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    files = new FaultyStorageFiles();
    StorageOptions options =
        StorageOptions.defaults(dir).withCacheBytes(0).withCompaction(CompactionPolicy.MANUAL);
    storage = get(StorageService.open(vertx, () -> BitcaskEngine.open(options, files)));
  }

  @AfterEach
  void close() throws Exception {
    get(storage.close());
    get(vertx.close());
  }

  @Test
  void thePutsOfOneTurnGoInOneWriteAndEachCallerGetsItsOwnResults() throws Exception {
    int writesBefore = files.writes();
    List<List<AsyncResult<PutResult>>> results = inOneTurn();
    assertEquals(1, files.writes() - writesBefore, "write() calls for the puts of one turn");
    assertEquals(1, results.get(0).size());
    assertEquals(2, results.get(1).size());
    long a = results.get(0).get(0).result().version();
    long b = results.get(1).get(0).result().version();
    long c = results.get(1).get(1).result().version();
    assertTrue(a < b && b < c, "versions in the order asked: " + a + ", " + b + ", " + c);
    assertEquals(3, storage.engine().size());
  }

  @Test
  void aFailedWriteFailsThePutsOfEveryCallerOfThatTurn() throws Exception {
    files.failNextWrite();
    List<List<AsyncResult<PutResult>>> results = inOneTurn();
    for (List<AsyncResult<PutResult>> mine : results) {
      for (AsyncResult<PutResult> put : mine) {
        assertTrue(put.failed(), "a put of a write that failed must fail");
      }
    }
    assertEquals(0, storage.engine().size());
  }

  @Test
  void putsOfAnotherEpochInTheSameTurnKeepTheirOwnTag() throws Exception {
    storage.engine().open(4, 0).get(10, TimeUnit.SECONDS);
    List<List<AsyncResult<PutResult>>> results = inOneTurn(4, 9);
    assertTrue(results.get(0).get(0).succeeded(), "epoch 4 is open");
    for (AsyncResult<PutResult> put : results.get(1)) {
      assertTrue(put.failed(), "epoch 9 is not");
      assertTrue(
          put.cause() instanceof KvException k && k.code() == ErrorCode.STALE_VIEW,
          put.cause().toString());
    }
    assertEquals(1, storage.engine().size());
  }

  /** Two callers in one turn: one put of "a", then puts of "b" and "c". */
  private List<List<AsyncResult<PutResult>>> inOneTurn() throws Exception {
    return inOneTurn(0, 0);
  }

  /**
   * As {@link #inOneTurn()}, the first caller's puts tagged {@code first}, the others' {@code
   * second}.
   */
  private List<List<AsyncResult<PutResult>>> inOneTurn(long first, long second) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Future<List<AsyncResult<PutResult>>>[]> asked = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          TurnPuts turn = new TurnPuts(storage, context);
          @SuppressWarnings("unchecked")
          Future<List<AsyncResult<PutResult>>>[] both =
              new Future[] {
                turn.putAll(List.of("a"), List.of(bytes("1")), first),
                turn.putAll(List.of("b", "c"), List.of(bytes("2"), bytes("3")), second)
              };
          asked.complete(both);
        });
    Future<List<AsyncResult<PutResult>>>[] both = asked.get(10, TimeUnit.SECONDS);
    return List.of(get(both[0]), get(both[1]));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
