package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.testing.Await;
import io.pxkv.common.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routers in child JVMs over the same nodes and the same cluster file. Exactly one holds the
 * coordinator lease; a node is added to the file, and while its keys move the leading router is
 * killed with SIGKILL: the other takes the lease over and finishes the move, and its 8 clients,
 * reading every key and writing their own throughout, see no failed call and no stale read.
 */
class TwoRoutersIT {
  private static final int KEYS = 2_400;
  private static final int CLIENTS = 8;
  private static final Duration START = Duration.ofSeconds(60);
  private static final long DEADLINE_MS = 60_000;
  private final Http http = new Http();

  @Test
  void theOtherRouterTakesTheMoveOverAndItsClientsSeeNoError(@TempDir Path root) throws Exception {
    List<NodeProcess> nodes = new ArrayList<>();
    List<ChildProcess> routers = new ArrayList<>();
    try {
      for (int i = 1; i <= 4; i++) {
        NodeProcess node = new NodeProcess("node-" + i, 0, root.resolve("node-" + i));
        node.start(START.toMillis());
        nodes.add(node);
      }
      Path clusterFile = root.resolve("cluster.json");
      writeCluster(clusterFile, nodes.subList(0, 3));
      for (String name : new String[] {"router-a", "router-b"}) {
        ChildProcess router =
            ChildProcess.java(
                name,
                256,
                "io.pxkv.router.RouterMain",
                List.of(
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--cluster",
                    clusterFile.toString(),
                    "--timeout-ms",
                    "30000",
                    // Slow moves, so the leader can be killed while keys move.
                    "--rebalance-rate",
                    "400",
                    "--rebalance-busy-rate",
                    "400"),
                Map.of());
        router.startServer(START);
        routers.add(router);
      }
      await("exactly one router leads", () -> leading(routers.get(0)) != leading(routers.get(1)));
      ChildProcess leader = leading(routers.get(0)) ? routers.get(0) : routers.get(1);
      ChildProcess survivor = leader == routers.get(0) ? routers.get(1) : routers.get(0);
      for (int i = 0; i < KEYS; i++) {
        Http.Reply r = http.send("PUT", survivor.port(), "/kv/k" + i, "{\"i\":" + i + "}");
        assertEquals(201, r.status(), r.toString());
      }

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong calls = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      CountDownLatch done = new CountDownLatch(CLIENTS);
      int[][] last = new int[CLIENTS][];
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        last[c] = new int[KEYS / CLIENTS];
        new Thread(
                () -> {
                  Random random = new Random(client);
                  int n = 0;
                  try {
                    while (!stop.get()) {
                      int k = random.nextInt(KEYS / CLIENTS);
                      int i = client + k * CLIENTS; // each client writes only its own keys
                      calls.incrementAndGet();
                      if (random.nextInt(4) == 0) {
                        n++;
                        Http.Reply w =
                            http.send("PUT", survivor.port(), "/kv/k" + i, "{\"c\":" + n + "}");
                        // 201 too: a key that has not reached its new owner yet is new there
                        // (docs/API.md).
                        if (w.status() != 200 && w.status() != 201) {
                          failures.add("PUT k" + i + ": " + w);
                        } else {
                          last[client][k] = n;
                        }
                      } else {
                        Http.Reply r = http.send("GET", survivor.port(), "/kv/k" + i, null);
                        if (r.status() != 200) {
                          failures.add("GET k" + i + ": " + r);
                        } else if (last[client][k] > 0
                            && new JsonObject(r.body()).getJsonObject("value").getInteger("c", -1)
                                != last[client][k]) {
                          failures.add("GET k" + i + " stale: " + r + ", wrote " + last[client][k]);
                        }
                      }
                    }
                  } finally {
                    done.countDown();
                  }
                })
            .start();
      }

      writeCluster(clusterFile, nodes);
      try {
        await("the leader moves keys", () -> "moving".equals(rebalance(leader).getString("phase")));
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "; leader: " + rebalance(leader) + "; other: " + rebalance(survivor),
            e);
      }
      long before = calls.get();
      leader.kill();
      await(
          "the other router leads and the move is done",
          () -> {
            JsonObject s = rebalance(survivor);
            return s.getJsonObject("coordinator").getBoolean("leading")
                && "done".equals(s.getString("phase"))
                && s.getJsonObject("routing").encode().contains("node-4");
          });
      await("clients made calls after the kill", () -> calls.get() > before + 2_000);
      stop.set(true);
      assertTrue(done.await(60, TimeUnit.SECONDS));
      assertTrue(failures.isEmpty(), failures.size() + " failed: " + first(failures));

      JsonObject moved =
          new JsonObject(http.send("GET", nodes.get(3).port(), "/admin/stats", null).body());
      assertTrue(moved.getLong("keys") > KEYS / 8, "node-4 took its share: " + moved);
      for (int i = 0; i < KEYS; i++) {
        Http.Reply r = http.send("GET", survivor.port(), "/kv/k" + i, null);
        assertEquals(200, r.status(), "k" + i + " " + r);
      }
    } finally {
      for (ChildProcess r : routers) r.kill();
      for (NodeProcess n : nodes) n.kill();
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    Await.until(what, Duration.ofMillis(DEADLINE_MS), done);
  }

  private boolean leading(ChildProcess router) {
    JsonObject c = rebalance(router).getJsonObject("coordinator");
    return c != null && c.getBoolean("leading", false);
  }

  private JsonObject rebalance(ChildProcess router) {
    Http.Reply r = http.send("GET", router.port(), "/admin/rebalance", null);
    return r.status() == 200 ? new JsonObject(r.body()) : new JsonObject();
  }

  private static void writeCluster(Path file, List<NodeProcess> nodes) throws Exception {
    JsonArray list = new JsonArray();
    for (NodeProcess n : nodes) {
      list.add(new JsonObject().put("id", n.id()).put("url", "http://127.0.0.1:" + n.port()));
    }
    Path tmp = file.resolveSibling("cluster.json.tmp");
    Files.writeString(
        tmp,
        new JsonObject().put("virtualNodes", 128).put("replicas", 1).put("nodes", list).encode());
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String first(ConcurrentLinkedQueue<String> failures) {
    return failures.stream().limit(5).toList().toString();
  }
}
