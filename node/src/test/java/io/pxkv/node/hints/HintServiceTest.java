package io.pxkv.node.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.SyncMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hint store behind its thread: concurrent appends, a full store, a reopen after close. */
class HintServiceTest {
  @TempDir Path data;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static List<StoredRecord> one(int i) {
    return List.of(
        new StoredRecord("k" + i, ("\"v" + i + "\"").getBytes(StandardCharsets.UTF_8), i + 1, 3));
  }

  private HintService service(long maxBytes, SyncMode mode) throws Exception {
    HintStore store =
        HintStore.open(data, new HintStore.Limits(maxBytes, 60_000), System::currentTimeMillis);
    return new HintService(vertx, store, mode, 50);
  }

  @Test
  void concurrentAppendsFromEventLoopsAreAllKeptAndSurviveAClose() throws Exception {
    HintService hints = service(1 << 20, SyncMode.ALWAYS);
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int n = i;
      // From several contexts at once, as the node's event loops call it.
      all.add(
          vertx
              .getOrCreateContext()
              .<Void>executeBlocking(() -> null)
              .compose(v -> hints.append(n % 2 == 0 ? "a" : "b", "http://h:1", one(n))));
    }
    Future.all(all).await(30, TimeUnit.SECONDS);
    JsonObject status = hints.status();
    assertEquals(500, status.getLong("pending"), status.encode());
    assertEquals(500, status.getLong("received"));
    assertEquals(250, status.getJsonObject("pendingByNode").getJsonObject("a").getLong("hints"));
    hints.close().await(30, TimeUnit.SECONDS);
    HintService again = service(1 << 20, SyncMode.INTERVAL);
    assertEquals(500, again.held());
    again.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aFullStoreRefusesWith507AndCountsIt() throws Exception {
    HintService hints = service(2048, SyncMode.NEVER);
    KvException refused = null;
    int kept = 0;
    for (int i = 0; i < 200 && refused == null; i++) {
      try {
        hints.append("a", "http://h:1", one(i)).await(30, TimeUnit.SECONDS);
        kept++;
      } catch (KvException e) {
        refused = e;
      }
    }
    assertTrue(refused != null, "never refused");
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, refused.code());
    assertEquals(kept, hints.held());
    assertEquals(1, hints.status().getLong("refusedFull"));
    hints.close().await(30, TimeUnit.SECONDS);
  }
}
