package io.pxkv.router.antientropy;

import io.pxkv.common.antientropy.DigestRequest;
import io.pxkv.common.antientropy.RecordPage;
import io.pxkv.common.antientropy.RingBuckets;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Brings the replicas of some buckets to the same records: reads the records of those buckets from
 * every replica a page at a time ({@code POST /internal/digest/records}, in key order), takes for
 * each key the newest write any of them holds (by version, then writer, as everywhere), and sends
 * it to each replica that lacks it or holds an older one as {@code POST /internal/replicate}, the
 * conditional import of replicated writes and read repair: stored only if still newer there, so a
 * write that lands meanwhile is never undone, and a tombstone spreads like a value.
 *
 * <p>The pages of the replicas are merged like a k-way merge: a page that may go on ends at the key
 * its node's walk reached, and only keys up to the smallest such end are judged before the next
 * pages are read from there, so the router holds at most a page per replica.
 */
final class BucketRepair {
  /** Records asked per page of each replica. */
  static final int PAGE = 500;

  /** Most bytes of records sent to a replica in one call. */
  static final int MAX_SEND_BYTES = 4 << 20;

  /** Checks a node's answer: passes a 200 on, fails on anything else. */
  interface Answers {
    NodeReply check(NodeClient node, ClusterView view, NodeReply reply);
  }

  private final AntiEntropyProgress progress;
  private final long deadlineMs;
  private final Answers answers;

  BucketRepair(AntiEntropyProgress progress, long deadlineMs, Answers answers) {
    this.progress = progress;
    this.deadlineMs = deadlineMs;
    this.answers = answers;
  }

  /** Repairs each group's buckets on that group's replicas, one group after the other. */
  Future<Void> repairAll(
      ClusterView view,
      RingBuckets ring,
      Map<List<String>, List<Integer>> differing,
      Function<String, NodeClient> clients) {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<List<String>, List<Integer>> e : differing.entrySet()) {
      int[] wanted = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      chain = chain.compose(v -> repair(view, ring, e.getKey(), wanted, null, clients));
    }
    return chain;
  }

  private Future<Void> repair(
      ClusterView view,
      RingBuckets ring,
      List<String> members,
      int[] wanted,
      String after,
      Function<String, NodeClient> clients) {
    Buffer body = DigestRequest.records(ring, wanted, after, PAGE).toJson().toBuffer();
    List<Future<RecordPage>> pages = new ArrayList<>(members.size());
    for (String id : members) {
      NodeClient node = clients.apply(id);
      pages.add(
          node.call(
                  view.tag(),
                  HttpMethod.POST,
                  "/internal/digest/records",
                  "application/json",
                  body,
                  deadlineMs)
              .map(reply -> RecordPage.decode(answers.check(node, view, reply).body())));
    }
    return Future.all(pages)
        .compose(
            all -> {
              String end = null; // the smallest key a page that may go on reached
              for (Future<RecordPage> p : pages) {
                String next = p.result().next();
                if (next != null && (end == null || KeyOrder.compare(next, end) < 0)) end = next;
              }
              String upTo = end;
              Map<String, List<RecordBatch.Entry>> sends = judge(members, pages, upTo);
              return send(view, sends, clients)
                  .compose(
                      v ->
                          upTo == null
                              ? Future.succeededFuture()
                              : repair(view, ring, members, wanted, upTo, clients));
            });
  }

  /** What each replica lacks of the newest writes of the keys up to {@code upTo} (null: all). */
  static Map<String, List<RecordBatch.Entry>> judge(
      List<String> members, List<Future<RecordPage>> pages, String upTo) {
    TreeMap<String, RecordBatch.Entry[]> byKey = new TreeMap<>(KeyOrder.UTF8);
    for (int m = 0; m < members.size(); m++) {
      for (RecordBatch.Entry e : pages.get(m).result().records()) {
        if (upTo != null && KeyOrder.compare(e.key(), upTo) > 0) continue;
        byKey.computeIfAbsent(e.key(), k -> new RecordBatch.Entry[members.size()])[m] = e;
      }
    }
    Map<String, List<RecordBatch.Entry>> sends = new HashMap<>();
    for (RecordBatch.Entry[] held : byKey.values()) {
      RecordBatch.Entry newest = null;
      for (RecordBatch.Entry e : held) {
        if (e != null && (newest == null || newer(e, newest))) newest = e;
      }
      for (int m = 0; m < held.length; m++) {
        if (held[m] == null || newer(newest, held[m])) {
          sends.computeIfAbsent(members.get(m), k -> new ArrayList<>()).add(newest);
        }
      }
    }
    return sends;
  }

  private static boolean newer(RecordBatch.Entry a, RecordBatch.Entry b) {
    return WriteOrder.compare(a.version(), a.writer(), b.version(), b.writer()) > 0;
  }

  /** Sends each replica its records, in bounded calls; counts those it stored. */
  private Future<Void> send(
      ClusterView view,
      Map<String, List<RecordBatch.Entry>> sends,
      Function<String, NodeClient> clients) {
    List<Future<Void>> calls = new ArrayList<>();
    for (Map.Entry<String, List<RecordBatch.Entry>> e : sends.entrySet()) {
      NodeClient node = clients.apply(e.getKey());
      Iterator<RecordBatch.Entry> records = e.getValue().iterator();
      while (records.hasNext()) {
        Buffer batch = Buffer.buffer();
        while (records.hasNext() && batch.length() < MAX_SEND_BYTES) {
          RecordBatch.Entry r = records.next();
          RecordBatch.append(
              batch,
              r.key().getBytes(StandardCharsets.UTF_8),
              r.value(),
              r.version(),
              r.writer(),
              r.expiresAt());
        }
        calls.add(
            node.call(
                    view.tag(),
                    HttpMethod.POST,
                    "/internal/replicate",
                    RecordBatch.CONTENT_TYPE,
                    batch,
                    deadlineMs)
                .map(reply -> answers.check(node, view, reply))
                .map(
                    reply -> {
                      JsonArray results = new JsonObject(reply.body()).getJsonArray("results");
                      long applied = 0;
                      for (int i = 0; i < results.size(); i++) {
                        if (results.getJsonObject(i).getBoolean("applied", false)) applied++;
                      }
                      progress.repaired(applied);
                      return null;
                    }));
      }
    }
    return Future.all(calls).mapEmpty();
  }
}
