package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.router.it.JudgedOps.Outcome;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts whose clocks disagree: a write acknowledged later must win over an older copy that a move
 * carries from a node whose clock runs ahead, and so must a delete.
 *
 * <p>node-1's clock runs {@link #SKEW_MS} ahead; node-2's is true. 4,000 keys are written while
 * node-1 is the only node, so their versions come from the fast clock. node-2 is added, and while
 * the keys it now owns move to it (slowly), each of them is overwritten or deleted through the
 * router. Once the router reports every key on its owner, each must read as last acknowledged.
 *
 * <p>The skew comes from the node flag {@code --clock-offset-ms}. A node without that flag refuses
 * to start; to see the failure on such a node, run with {@code -Dpxkv.skew=faketime}, which leaves
 * the flag out and preloads libfaketime into node-1 instead ({@code apt-get install libfaketime};
 * {@code -Dpxkv.faketime.lib=...} if it is not at the Debian path).
 */
class ClockSkewIT {
  private static final long SKEW_MS = 30_000;
  private static final int KEYS = 4_000;
  private static final long KEYS_PER_SECOND = 500;
  private static final int WRITERS = 4;
  private static final String DEFAULT_FAKETIME_LIB =
      "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

  @Test
  void writesAcknowledgedDuringAMoveWinOverOlderCopiesFromANodeWhoseClockIsAhead(@TempDir Path dir)
      throws Exception {
    long started = System.nanoTime();
    List<String> one = List.of("node-1");
    List<String> two = List.of("node-1", "node-2");
    try (MoveCluster cluster = new MoveCluster(dir, KEYS_PER_SECOND, "node-1", "node-2")) {
      skewClockOf(cluster, "node-1");
      cluster.startNodes("node-1", "node-2");
      cluster.writeCluster(one);
      cluster.startRouter();

      Map<String, String> pairs = new LinkedHashMap<>();
      for (int i = 0; i < KEYS; i++) pairs.put("k-" + i, "k-" + i + ":old");
      cluster.importThroughRouter(pairs);
      Map<String, Expectation> model = new ConcurrentHashMap<>();
      pairs.forEach((k, v) -> model.put(k, Expectation.value(v)));
      long aheadMs = aheadOfTrueTime(cluster, "k-0");
      System.out.println("clock skew: node-1's versions run " + aheadMs + " ms ahead");
      assertTrue(
          aheadMs > SKEW_MS / 2,
          "node-1's clock is not ahead (" + aheadMs + " ms): this run would prove nothing");

      // The keys that move to node-2, in the reverse of the order a sweep of node-1 meets them,
      // so that most writes land before their key's old copy is moved.
      List<String> moving = new ArrayList<>();
      for (String key : pairs.keySet())
        if (MoveCluster.ring(two).owner(key).equals("node-2")) moving.add(key);
      moving.sort(Comparator.reverseOrder());

      cluster.writeCluster(two);
      MoveCluster.await(
          "the router moving toward " + two,
          () -> {
            JsonObject s = cluster.rebalance();
            return s != null && two.equals(MoveCluster.targetIds(s));
          },
          () -> String.valueOf(cluster.rebalance()));
      long onNode2Before = cluster.keysOn("node-2");
      Tally tally = new Tally();
      writeAll(cluster, moving, model, tally);
      JsonObject after = cluster.rebalance();
      String race =
          "node-2 held "
              + onNode2Before
              + " of "
              + moving.size()
              + " moving keys when the writes began; phase after them: "
              + (after == null ? "?" : after.getString("phase"));

      cluster.awaitSettled(two);
      for (String key : moving) {
        Outcome o = JudgedOps.get(cluster.http, cluster.routerPort(), key, model.get(key));
        tally.count("reads after the move");
        if (!o.ok()) {
          boolean deleted = !model.get(key).mustExist();
          tally.problem(
              deleted ? "delete undone by an older copy" : "write undone by an older copy",
              key + " -> " + o.reply() + ", acknowledged: " + model.get(key));
        }
      }
      PlacementCheck.check(
          "placement:", cluster.listings(), MoveCluster.ring(two), model, true, tally);

      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      String report =
          "clock skew ("
              + seconds
              + " s, "
              + skewMode()
              + "): "
              + race
              + "\n  counts: "
              + tally.counters();
      System.out.println(report);
      assertEquals(0, tally.problems(), report + "\n  problems:" + tally.problemReport());
    }
  }

  /** Overwrites three of every four keys and deletes the fourth, a few writers at once. */
  private static void writeAll(
      MoveCluster cluster, List<String> keys, Map<String, Expectation> model, Tally tally)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < WRITERS; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < keys.size(); i += WRITERS) {
                    String key = keys.get(i);
                    Outcome o =
                        i % 4 == 3
                            ? JudgedOps.delete(
                                cluster.http, cluster.routerPort(), key, model.get(key))
                            : JudgedOps.put(
                                cluster.http,
                                cluster.routerPort(),
                                key,
                                key + ":new",
                                model.get(key));
                    model.put(key, o.next());
                    tally.count(i % 4 == 3 ? "deletes during the move" : "writes during the move");
                    if (!o.ok())
                      tally.problem(
                          "write during the move " + o.verdict(), key + " -> " + o.reply());
                  }
                }));
      }
      for (Future<?> f : parts) f.get(MoveCluster.DEADLINE_MS, TimeUnit.MILLISECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** How far ahead of this machine's clock the version of {@code key}'s last write is, in ms. */
  private static long aheadOfTrueTime(MoveCluster cluster, String key) {
    Http.Reply r = cluster.http.send("GET", cluster.routerPort(), "/kv/" + key, null);
    assertEquals(200, r.status(), r.toString());
    return new JsonObject(r.body()).getLong("version") / 1000 - System.currentTimeMillis();
  }

  private static String skewMode() {
    return System.getProperty("pxkv.skew", "flag");
  }

  private static void skewClockOf(MoveCluster cluster, String id) {
    if (skewMode().equals("faketime")) {
      cluster.configureNode(
          id,
          List.of(),
          Map.of(
              "LD_PRELOAD",
              System.getProperty("pxkv.faketime.lib", DEFAULT_FAKETIME_LIB),
              "FAKETIME",
              // The monotonic clock gets the same constant offset, which timers do not notice;
              // FAKETIME_DONT_FAKE_MONOTONIC would make the JVM start 10-20 times slower.
              "+" + SKEW_MS / 1000 + "s"));
    } else {
      cluster.configureNode(id, List.of("--clock-offset-ms", String.valueOf(SKEW_MS)), Map.of());
    }
  }
}
