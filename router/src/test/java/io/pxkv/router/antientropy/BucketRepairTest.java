package io.pxkv.router.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pxkv.common.antientropy.RecordPage;
import io.pxkv.common.kv.RecordBatch;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the pages of a bucket's replicas are judged: the newest write of each key goes to the rest.
 */
class BucketRepairTest {
  private static RecordBatch.Entry value(String key, long version, int writer) {
    return new RecordBatch.Entry(key, ("\"" + key + version + "\"").getBytes(), version, writer);
  }

  private static RecordBatch.Entry tombstone(String key, long version, int writer) {
    return new RecordBatch.Entry(key, null, version, writer);
  }

  private static Future<RecordPage> page(RecordBatch.Entry... records) {
    return Future.succeededFuture(new RecordPage(null, List.of(records)));
  }

  @Test
  void eachReplicaGetsTheNewestWriteOfEveryKeyItLacksOrHoldsOlder() {
    Map<String, List<RecordBatch.Entry>> sends =
        BucketRepair.judge(
            List.of("a", "b", "c"),
            List.of(
                page(value("k1", 5, 1), value("k2", 7, 1), tombstone("k3", 9, 2)),
                page(value("k1", 5, 1), value("k2", 7, 2), value("k3", 4, 1)),
                page(value("k2", 6, 9))),
            null);
    // k1: a and b hold it, c lacks it. k2: (7, 2) beats (7, 1) on the writer. k3: a's tombstone.
    assertEquals(List.of("k2"), keys(sends.get("a")));
    assertEquals(7, sends.get("a").get(0).version());
    assertEquals(2, sends.get("a").get(0).writer());
    assertEquals(List.of("k3"), keys(sends.get("b")));
    assertNull(sends.get("b").get(0).value(), "the tombstone spreads");
    assertEquals(List.of("k1", "k2", "k3"), keys(sends.get("c")));
  }

  @Test
  void keysPastTheSmallestEndAPageReachedWaitForTheNextPages() {
    Map<String, List<RecordBatch.Entry>> sends =
        BucketRepair.judge(
            List.of("a", "b"),
            List.of(page(value("k1", 1, 1), value("k5", 1, 1)), page(value("k9", 1, 1))),
            "k5");
    // b's page may go on past k5 (up to its end): only k1 and k5 are judged now.
    assertEquals(List.of("k1", "k5"), keys(sends.get("b")));
    assertNull(sends.get("a"));
  }

  @Test
  void replicasThatAgreeGetNothing() {
    Map<String, List<RecordBatch.Entry>> sends =
        BucketRepair.judge(
            List.of("a", "b"),
            List.of(page(tombstone("k", 3, 1)), page(tombstone("k", 3, 1))),
            null);
    assertEquals(Map.of(), sends);
  }

  private static List<String> keys(List<RecordBatch.Entry> entries) {
    return entries.stream().map(RecordBatch.Entry::key).toList();
  }
}
