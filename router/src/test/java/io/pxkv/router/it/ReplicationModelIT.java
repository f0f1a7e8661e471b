package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.Replication;
import io.pxkv.common.testing.Await;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded, repeatable random run of replicated reads, writes and deletes (N=3, W=2, R=2) while
 * nodes are killed with SIGKILL, stopped with SIGSTOP, restarted and resumed at random points,
 * checked against a simple model after every step:
 *
 * <ul>
 *   <li>while a quorum of nodes runs, no write, delete, read or listing fails;
 *   <li>a listing ({@code GET /kv}, or its pages) lists each key once, as a read of it may be, and
 *       no deleted key;
 *   <li>a read returns the last acknowledged write of the key, or one of the writes after it that
 *       ended in a 503 (which may or may not have been stored): never an older one, so no
 *       acknowledged write is lost;
 *   <li>201 vs 200, and 200 vs 404 of a delete, follow the last acknowledged write when no write
 *       after it is in doubt;
 *   <li>once every node is back, hinted handoff and anti-entropy alone (before any read through the
 *       router, which would repair what it reads) leave every replica holding the same write of
 *       every key, the model's newest (or one in doubt), read from the nodes directly, and no node
 *       holding a hint.
 * </ul>
 *
 * {@code -Dseed=N} repeats a run; {@code -Dsteps=N} makes it longer.
 */
class ReplicationModelIT {
  private static final long START_DEADLINE_MS = 60_000;
  private static final String DELETED = "<deleted>";

  private enum State {
    UP,
    KILLED,
    PAUSED
  }

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<State> states = new ArrayList<>();
  private Vertx vertx;
  private final Http http = new Http();

  /**
   * What a key may read as: its last acknowledged write (null: none or deleted), and the doubts.
   */
  private static final class Expect {
    String acked;
    final Set<String> maybe = new HashSet<>();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      if (states.get(i) == State.PAUSED) nodes.get(i).resume();
      nodes.get(i).kill();
    }
    if (vertx != null) vertx.close().await(60, TimeUnit.SECONDS);
  }

  @Test
  void randomOperationsAndFailuresAgreeWithTheModel(@TempDir Path dataRoot) throws Exception {
    long seed = Long.getLong("seed", 20261205L);
    int steps = Integer.getInteger("steps", 180);
    Random random = new Random(seed);
    List<NodeInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      NodeProcess node = new NodeProcess("node-" + i, 0, dataRoot.resolve("node-" + i));
      node.start(START_DEADLINE_MS);
      nodes.add(node);
      states.add(State.UP);
      infos.add(NodeInfo.of(node.id(), "127.0.0.1", node.port()));
    }
    ClusterConfig cluster = new ClusterConfig(null, 64, infos, List.of(), new Replication(3, 2, 2));
    vertx = Vertx.vertx();
    RunningRouter router =
        RunningRouter.start(vertx, RouterConfig.of(cluster, 0).withTimeoutMs(2_000))
            .await(60, TimeUnit.SECONDS);
    int port = router.port();
    // The router learns the view from the nodes after it listens: wait for it, not for luck.
    Await.until(
        "the router serving the cluster",
        Duration.ofSeconds(30),
        () -> http.send("GET", port, "/health", null).status() == 200);
    Map<String, Expect> model = new HashMap<>();
    List<String> log = new ArrayList<>();
    int reads = 0;
    int listings = 0;
    int writes = 0;
    int events = 0;
    for (int step = 0; step < steps; step++) {
      String where = "seed " + seed + " step " + step + ": ";
      int up = (int) states.stream().filter(s -> s == State.UP).count();
      int dice = random.nextInt(100);
      if (dice < 6) {
        events++;
        log.add(step + " " + event(random, dataRoot));
        continue;
      }
      String key = "m-" + random.nextInt(30);
      Expect e = model.computeIfAbsent(key, k -> new Expect());
      boolean quorum = up >= 2;
      if (dice < 45) {
        writes++;
        String value = "v" + step;
        Http.Reply r = http.send("PUT", port, "/kv/" + key, Json.encode(value));
        if (r.status() == 200 || r.status() == 201) {
          if (e.maybe.isEmpty()) {
            assertEquals(e.acked == null ? 201 : 200, r.status(), where + "PUT " + key + " " + r);
          }
          e.acked = value;
          e.maybe.clear();
        } else if (r.status() == 503 && !quorum) {
          e.maybe.add(value);
        } else {
          throw new AssertionError(where + "PUT " + key + " with " + up + " up: " + r + " " + log);
        }
      } else if (dice < 55) {
        writes++;
        Http.Reply r = http.send("DELETE", port, "/kv/" + key, null);
        if (r.status() == 200 || r.status() == 404) {
          if (e.maybe.isEmpty()) {
            assertEquals(
                e.acked == null ? 404 : 200, r.status(), where + "DELETE " + key + " " + r);
          }
          e.acked = null;
          e.maybe.clear();
        } else if (r.status() == 503 && !quorum) {
          e.maybe.add(DELETED);
        } else {
          throw new AssertionError(
              where + "DELETE " + key + " with " + up + " up: " + r + " " + log);
        }
      } else if (dice < 60) {
        listings++;
        String path = listings % 2 == 0 ? "/kv" : "/kv?limit=7";
        String wrong = listingDisagrees(port, path, model);
        if (wrong != null && !(wrong.startsWith("status 503") && !quorum)) {
          throw new AssertionError(
              where + "GET " + path + " with " + up + " up: " + wrong + "; events " + log);
        }
      } else {
        reads++;
        Http.Reply r = http.send("GET", port, "/kv/" + key, null);
        String seen =
            r.status() == 200
                ? new JsonObject(r.body()).getString("value")
                : r.status() == 404 ? null : "status " + r.status();
        if (r.status() == 503 && !quorum) continue;
        boolean ok =
            seen == null
                ? e.acked == null || e.maybe.contains(DELETED)
                : seen.equals(e.acked) || e.maybe.contains(seen);
        if (!ok) {
          throw new AssertionError(
              where
                  + "GET "
                  + key
                  + " with "
                  + up
                  + " up: "
                  + r
                  + ", expected "
                  + e.acked
                  + " or one of "
                  + e.maybe
                  + "; events "
                  + log);
        }
      }
    }
    // Everything back: hints and anti-entropy bring every replica to the same newest write of every
    // key, with no read to repair it.
    for (int i = 0; i < nodes.size(); i++) bringBack(i, dataRoot);
    long healed = System.nanoTime();
    List<String> apart = new ArrayList<>();
    try {
      Await.until(
          "every hint handed over and every replica holding the model's newest write of every key",
          Duration.ofSeconds(60),
          () -> {
            apart.clear();
            for (NodeProcess node : nodes) {
              Http.Reply stats = http.send("GET", node.port(), "/admin/stats", null);
              if (stats.status() != 200
                  || new JsonObject(stats.body()).getJsonObject("hints").getLong("pending") != 0) {
                apart.add(node.id() + " holds hints: " + stats);
              }
            }
            if (apart.isEmpty()) apart.addAll(replicasApart(model));
            return apart.isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "seed " + seed + ": " + e.getMessage() + ": " + apart + "; events " + log, e);
    }
    long convergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
    // Every key reads as the model says.
    for (Map.Entry<String, Expect> entry : model.entrySet()) {
      Expect e = entry.getValue();
      Http.Reply r = http.send("GET", port, "/kv/" + entry.getKey(), null);
      if (!agrees(r, e))
        throw new AssertionError("at the end, " + entry.getKey() + ": " + r + " " + log);
    }
    System.out.println(
        "ReplicationModelIT seed "
            + seed
            + ": "
            + steps
            + " steps, "
            + writes
            + " writes, "
            + reads
            + " reads, "
            + listings
            + " listings, "
            + events
            + " node events, replicas equal "
            + convergedMs
            + " ms after the last came back: "
            + log);
  }

  /** Whether a read's answer is the key's last acknowledged write, or one in doubt after it. */
  /**
   * What is wrong with the listing {@code path} ({@code GET /kv}, or its pages followed to the end)
   * against the model, or null: every key once, each as a read of it may be, no key the model says
   * is deleted (and none it never wrote).
   */
  private String listingDisagrees(int port, String path, Map<String, Expect> model) {
    Map<String, String> listed = new HashMap<>();
    if (path.equals("/kv")) {
      Http.Reply r = http.send("GET", port, path, null);
      if (r.status() != 200) return "status " + r.status() + " " + r;
      JsonObject all = new JsonObject(r.body());
      for (String k : all.fieldNames()) listed.put(k, all.getString(k));
    } else {
      String cursor = null;
      do {
        Http.Reply r =
            http.send(
                "GET",
                port,
                path
                    + (cursor == null
                        ? ""
                        : "&cursor="
                            + java.net.URLEncoder.encode(
                                cursor, java.nio.charset.StandardCharsets.UTF_8)),
                null);
        if (r.status() != 200) return "status " + r.status() + " " + r;
        JsonObject page = new JsonObject(r.body());
        for (Object o : page.getJsonArray("items")) {
          JsonObject item = (JsonObject) o;
          if (listed.put(item.getString("key"), item.getString("value")) != null) {
            return "listed twice: " + item;
          }
        }
        cursor = page.getString("cursor");
      } while (cursor != null);
    }
    for (String k : listed.keySet()) {
      if (!model.containsKey(k)) return "a key never written: " + k;
    }
    for (Map.Entry<String, Expect> entry : model.entrySet()) {
      Expect e = entry.getValue();
      String seen = listed.get(entry.getKey());
      boolean ok =
          seen == null
              ? e.acked == null || e.maybe.contains(DELETED)
              : seen.equals(e.acked) || e.maybe.contains(seen);
      if (!ok) {
        return entry.getKey()
            + " listed as "
            + seen
            + ", expected "
            + e.acked
            + " or one of "
            + e.maybe;
      }
    }
    return null;
  }

  private static boolean agrees(Http.Reply r, Expect e) {
    if (r.status() != 200 && r.status() != 404) return false;
    String seen = r.status() == 200 ? new JsonObject(r.body()).getString("value") : null;
    return seen == null
        ? e.acked == null || e.maybe.contains(DELETED)
        : seen.equals(e.acked) || e.maybe.contains(seen);
  }

  /**
   * The keys whose replicas differ, or hold what the model does not allow, read from every node
   * directly ({@code /internal/scan?deleted=1}, held tombstones included); empty once they agree.
   */
  private List<String> replicasApart(Map<String, Expect> model) {
    List<Map<String, String>> held = new ArrayList<>();
    for (NodeProcess node : nodes) {
      Http.Reply r = http.send("GET", node.port(), "/internal/scan?deleted=1", null);
      if (r.status() != 200) return List.of(node.id() + ": " + r);
      Map<String, String> records = new HashMap<>();
      for (String line : r.body().split("\n")) {
        if (line.isEmpty()) continue;
        JsonObject record = new JsonObject(line);
        if (record.getBoolean("handedOff", false)) continue;
        String value = record.getBoolean("deleted", false) ? DELETED : record.getString("value");
        records.put(record.getString("key"), value + " @" + record.getValue("version"));
      }
      held.add(records);
    }
    List<String> apart = new ArrayList<>();
    for (Map.Entry<String, Expect> entry : model.entrySet()) {
      String key = entry.getKey();
      Expect e = entry.getValue();
      Set<String> writes = new HashSet<>();
      for (Map<String, String> records : held) writes.add(records.get(key));
      String one = writes.iterator().next();
      String value = one == null ? null : one.substring(0, one.lastIndexOf(" @"));
      boolean allowed =
          value == null || value.equals(DELETED)
              ? e.acked == null || e.maybe.contains(DELETED)
              : value.equals(e.acked) || e.maybe.contains(value);
      if (writes.size() != 1 || !allowed) {
        apart.add(key + ": " + writes + ", model " + e.acked + " or one of " + e.maybe);
      }
    }
    return apart;
  }

  /** Takes a running node down (kill or stop) or brings a down one back; at least one stays up. */
  private String event(Random random, Path dataRoot) throws Exception {
    List<Integer> up = new ArrayList<>();
    List<Integer> down = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) (states.get(i) == State.UP ? up : down).add(i);
    if (!down.isEmpty() && (up.size() == 1 || random.nextBoolean())) {
      int i = down.get(random.nextInt(down.size()));
      String what = (states.get(i) == State.PAUSED ? "resume " : "restart ") + nodes.get(i).id();
      bringBack(i, dataRoot);
      return what;
    }
    int i = up.get(random.nextInt(up.size()));
    if (random.nextInt(3) == 0) {
      nodes.get(i).pause();
      states.set(i, State.PAUSED);
      return "sigstop " + nodes.get(i).id();
    }
    nodes.get(i).kill();
    states.set(i, State.KILLED);
    return "kill -9 " + nodes.get(i).id();
  }

  private void bringBack(int i, Path dataRoot) throws Exception {
    NodeProcess node = nodes.get(i);
    if (states.get(i) == State.PAUSED) {
      node.resume();
    } else if (states.get(i) == State.KILLED) {
      NodeProcess again = new NodeProcess(node.id(), node.port(), dataRoot.resolve(node.id()));
      again.start(START_DEADLINE_MS);
      nodes.set(i, again);
    }
    states.set(i, State.UP);
  }
}
