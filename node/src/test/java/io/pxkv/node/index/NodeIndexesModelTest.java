package io.pxkv.node.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.cluster.IndexSpec.Metric;
import io.pxkv.common.cluster.IndexSpec.Type;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.query.IndexQuery;
import io.pxkv.common.query.KnnQuery;
import io.pxkv.common.testing.Await;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.storage.BitcaskEngine;
import io.pxkv.node.storage.CompactionPolicy;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded model test of a node's indexes over a real disk engine, written through the {@link
 * StorageService} as the node writes (puts, deletes, imports, handoffs): every query, paged with
 * random limits, must give exactly what a brute-force scan of a model map gives, in (value, key)
 * order; and again after a restart, once the rebuilt indexes are ready.
 */
class NodeIndexesModelTest {
  static final IndexSpec PRICE = new IndexSpec("price", "/price", Type.NUMBER, 0, null);
  static final IndexSpec TAG = new IndexSpec("tag", "/meta/tag", Type.STRING, 0, null);
  static final IndexSpec EMB = new IndexSpec("emb", "/emb", Type.VECTOR, 4, Metric.L2);
  static final IndexSpec COS = new IndexSpec("cos", "/emb", Type.VECTOR, 4, Metric.COSINE);
  static final List<IndexSpec> ALL = List.of(PRICE, TAG, EMB, COS);

  @TempDir Path dir;
  Vertx vertx;
  StorageService storage;
  NodeIndexes indexes;
  final TreeMap<String, JsonObject> model = new TreeMap<>(KeyOrder.UTF8);

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    start();
  }

  private void start() throws Exception {
    StorageOptions options =
        StorageOptions.defaults(dir).withCacheBytes(0).withCompaction(CompactionPolicy.MANUAL);
    storage = get(StorageService.open(vertx, () -> BitcaskEngine.open(options)));
    indexes = new NodeIndexes(storage.engine());
    storage.listen(indexes);
    indexes.declare(ALL);
    Await.until("indexes built", Duration.ofSeconds(30), this::allReady);
  }

  private boolean allReady() {
    for (Object o : indexes.status()) {
      if (!"ready".equals(((JsonObject) o).getString("state"))) return false;
    }
    return true;
  }

  @AfterEach
  void close() throws Exception {
    indexes.close();
    get(storage.close());
    get(vertx.close());
  }

  @Test
  void queriesMatchABruteForceScanOfAModelAlsoAfterARestart() throws Exception {
    Random random = new Random(20261205);
    for (int i = 0; i < 1500; i++) write(random);
    check(random, 150);
    indexes.close();
    get(storage.close());
    start();
    check(random, 100);
    for (int i = 0; i < 500; i++) write(random);
    check(random, 100);
  }

  @Test
  void aVectorOfTheWrongLengthIsRefusedAndNothingIsWritten() throws Exception {
    byte[] bad = "{\"emb\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
    KvException e =
        assertThrows(KvException.class, () -> get(storage.put("v", bad, 0)), "3 numbers, dims 4");
    assertEquals(ErrorCode.INVALID_VALUE, e.code());
    assertTrue(storage.engine().get("v").isEmpty());
    // Not a vector at all: simply not indexed.
    get(storage.put("w", "{\"emb\":\"text\"}".getBytes(StandardCharsets.UTF_8), 0));
    assertTrue(storage.engine().get("w").isPresent());
  }

  @Test
  void anIndexAddedLaterIsBuildingThenAnswersForKeysWrittenBefore() throws Exception {
    indexes.declare(List.of());
    get(storage.put("a", "{\"price\":3}".getBytes(StandardCharsets.UTF_8), 0));
    indexes.declare(List.of(PRICE));
    Await.until("price built", Duration.ofSeconds(30), this::allReady);
    var page = indexes.range(new IndexQuery("price", 0.0, 10.0, null, null), null, null, 10);
    assertEquals(List.of("a"), page.hits().stream().map(NodeIndexes.Hit::key).toList());
  }

  private void write(Random random) throws Exception {
    String key = "k" + random.nextInt(400) + (random.nextInt(5) == 0 ? "é" : "");
    int op = random.nextInt(10);
    if (op < 6) {
      JsonObject value = randomValue(random);
      get(storage.put(key, bytes(value), 0));
      model.put(key, value);
    } else if (op < 8) {
      get(storage.delete(key, 0));
      model.remove(key);
    } else if (op == 8) {
      // A moved record with a version of its own: written only if newer than the node's.
      JsonObject value = randomValue(random);
      long version = random.nextBoolean() ? 1 : Long.MAX_VALUE / 4 - 1000 + random.nextInt(1000);
      boolean written = get(storage.importRecord(key, bytes(value), version, 7, 0, 0));
      if (written) model.put(key, value);
    } else {
      var record = get(storage.readRecord(key));
      if (record.isPresent() && record.get().value() != null) {
        StoredRecord r = record.get();
        var done =
            get(storage.handoffAll(List.of(StoredRecord.marker(key, r.version(), r.writer())), 0));
        if (done.get(0).result()) model.remove(key);
      }
    }
  }

  private static JsonObject randomValue(Random random) {
    JsonObject value = new JsonObject();
    int shape = random.nextInt(6);
    if (shape == 1) value.put("price", "cheap");
    if (shape > 1) value.put("price", (random.nextInt(200) - 50) / 4.0);
    if (random.nextInt(4) != 0) {
      value.put(
          "meta",
          new JsonObject().put("tag", "t" + (char) ('a' + random.nextInt(6)) + random.nextInt(20)));
    }
    if (random.nextInt(3) != 0) {
      JsonArray v = new JsonArray();
      for (int i = 0; i < 4; i++) v.add(random.nextInt(21) - 10);
      value.put("emb", v);
    }
    return value;
  }

  private void check(Random random, int queries) throws Exception {
    for (int q = 0; q < queries; q++) {
      IndexQuery query;
      IndexSpec spec;
      if (random.nextBoolean()) {
        spec = PRICE;
        Double min = random.nextInt(5) == 0 ? null : (random.nextInt(200) - 50) / 4.0;
        Double max = random.nextInt(5) == 0 ? null : (random.nextInt(200) - 50) / 4.0;
        if (min != null && max != null && min > max) {
          Double t = min;
          min = max;
          max = t;
        }
        query = new IndexQuery("price", min, max, null, null);
      } else {
        spec = TAG;
        int kind = random.nextInt(3);
        String s = "t" + (char) ('a' + random.nextInt(6)) + (kind == 0 ? "" : random.nextInt(20));
        query = new IndexQuery("tag", null, null, kind == 1 ? s : null, kind == 1 ? null : s);
      }
      List<String> expected = expected(spec, query);
      List<String> actual = new ArrayList<>();
      int limit = 1 + random.nextInt(40);
      Object afterValue = null;
      String afterKey = null;
      while (true) {
        var page = indexes.range(query, afterValue, afterKey, limit);
        assertTrue(page.hits().size() <= limit);
        for (var h : page.hits()) {
          actual.add(h.key());
          assertEquals(
              model.get(h.key()), new JsonObject(new String(h.value(), StandardCharsets.UTF_8)));
        }
        if (!page.more()) break;
        var last = page.hits().get(page.hits().size() - 1);
        afterValue = last.at();
        afterKey = last.key();
      }
      assertEquals(expected, actual, "query " + query + " paged by " + limit);
      checkNearest(random, random.nextBoolean() ? EMB : COS);
    }
  }

  private List<String> expected(IndexSpec spec, IndexQuery query) {
    List<Map.Entry<Object, String>> hits = new ArrayList<>();
    for (var e : model.entrySet()) {
      Object v = IndexedValue.of(spec, e.getValue());
      if (v != null && query.admits(v)) hits.add(Map.entry(v, e.getKey()));
    }
    Comparator<Object> values = spec == PRICE ? OrderedIndex.NUMBERS : OrderedIndex.STRINGS;
    hits.sort(
        (a, b) -> {
          int c = values.compare(a.getKey(), b.getKey());
          return c != 0 ? c : KeyOrder.compare(a.getValue(), b.getValue());
        });
    return hits.stream().map(Map.Entry::getValue).toList();
  }

  private void checkNearest(Random random, IndexSpec spec) throws Exception {
    float[] q = new float[4];
    for (int i = 0; i < 4; i++) q[i] = random.nextInt(21) - 10;
    if (spec.metric() == Metric.COSINE && q[0] == 0) q[0] = 1;
    int k = 1 + random.nextInt(12);
    String prefix = random.nextInt(3) == 0 ? "k1" : "";
    List<NodeIndexes.Hit> hits = indexes.nearest(new KnnQuery(spec.name(), q, k, prefix));
    VectorIndex scorer = new VectorIndex(4, spec.metric());
    List<Float> all = new ArrayList<>();
    for (var e : model.entrySet()) {
      Object v = IndexedValue.of(spec, e.getValue());
      if (v != null && e.getKey().startsWith(prefix)) all.add(scorer.score(q, (float[]) v));
    }
    boolean higher = spec.metric().higherIsNearer();
    all.sort(higher ? Comparator.reverseOrder() : Comparator.naturalOrder());
    List<Float> expected = all.subList(0, Math.min(k, all.size()));
    assertEquals(
        expected, hits.stream().map(NodeIndexes.Hit::score).toList(), spec.name() + " k=" + k);
  }

  private static byte[] bytes(JsonObject value) {
    return value.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception c) throw c;
      throw e;
    }
  }
}
