package io.pxkv.node.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.query.IndexQuery;
import io.pxkv.common.testing.Await;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.CompactionPolicy;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index declared while records stream in (a node that joins a cluster learns its indexes while
 * keys move to it): once the imports are done and the build is over, the index holds every key,
 * whichever batch the declaration fell between. Seeded.
 */
class IndexBuildRaceTest {
  static final IndexSpec TAG = new IndexSpec("tag", "/tag", IndexSpec.Type.STRING, 0, null);

  @TempDir Path root;

  @Test
  void anIndexDeclaredWhileRecordsArriveHoldsEveryKey() throws Exception {
    for (int seed = 1; seed <= 40; seed++) run(seed, root.resolve("s" + seed));
  }

  private void run(int seed, Path dir) throws Exception {
    Random random = new Random(seed);
    Vertx vertx = Vertx.vertx();
    StorageOptions options =
        StorageOptions.defaults(dir).withCacheBytes(0).withCompaction(CompactionPolicy.MANUAL);
    StorageService storage = get(StorageService.open(vertx, () -> BitcaskEngine.open(options)));
    NodeIndexes indexes = new NodeIndexes(storage.engine());
    storage.listen(indexes);
    indexes.declare(List.of());
    try {
      TreeSet<String> keys = new TreeSet<>(KeyOrder.UTF8);
      List<Future<?>> inFlight = new ArrayList<>();
      int batches = 40;
      int declareAt = random.nextInt(batches);
      Thread declaring = new Thread(() -> indexes.declare(List.of(TAG)));
      for (int b = 0; b < batches; b++) {
        if (b == declareAt) declaring.start();
        List<StoredRecord> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String key = "k" + random.nextInt(100_000);
          keys.add(key);
          byte[] value =
              new JsonObject()
                  .put("tag", "t" + random.nextInt(10))
                  .encode()
                  .getBytes(StandardCharsets.UTF_8);
          batch.add(new StoredRecord(key, value, 1000 + b * 100 + i, 7));
        }
        inFlight.add(storage.importAll(batch, 0));
        if (random.nextInt(3) == 0) get(inFlight.get(inFlight.size() - 1));
      }
      for (Future<?> f : inFlight) get(f);
      // It may not have run yet when the last import lands on a busy machine.
      declaring.join(TimeUnit.SECONDS.toMillis(30));
      Await.until(
          "tag built",
          Duration.ofSeconds(30),
          () -> "ready".equals(indexes.status().getJsonObject(0).getString("state")));
      var page = indexes.range(new IndexQuery("tag", null, null, null, "t"), null, null, 100_000);
      TreeSet<String> indexed = new TreeSet<>(KeyOrder.UTF8);
      for (var h : page.hits()) indexed.add(h.key());
      TreeSet<String> missing = new TreeSet<>(keys);
      missing.removeAll(indexed);
      assertEquals(
          List.of(), List.copyOf(missing), "seed " + seed + ", declared before batch " + declareAt);
    } finally {
      indexes.close();
      get(storage.close());
      get(vertx.close());
    }
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
