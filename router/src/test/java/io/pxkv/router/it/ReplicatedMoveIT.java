package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a node to a cluster that keeps three copies of every key (N=3, W=2, R=2), then removing
 * another, under 16 clients reading and writing throughout, all in child processes: no read of an
 * existing key fails or goes back, no write fails, a listing of the whole cluster ({@code GET /kv})
 * taken meanwhile gives every key once at its last acknowledged write or a newer one, and once the
 * cluster settled on each layout every member of every key's replica set holds the key's last
 * acknowledged write, read from the nodes themselves.
 */
class ReplicatedMoveIT {
  private static final int BACKGROUND_KEYS = 4_000;
  private static final int CLIENT_KEYS = 800;
  private static final int CLIENTS = 16;
  private static final long KEYS_PER_SECOND = 3_000;

  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong listings = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  @Test
  void addingAndRemovingANodeMovesReplicaSetsWithNoFailedCall(@TempDir Path dir) throws Exception {
    try (MoveCluster cluster =
        new MoveCluster(dir, KEYS_PER_SECOND, "node-1", "node-2", "node-3", "node-4")) {
      cluster.startNodes("node-1", "node-2", "node-3", "node-4");
      cluster.replicate(3, 2, 2);
      cluster.writeCluster(List.of("node-1", "node-2", "node-3"));
      cluster.startRouter();
      Map<String, String> load = new LinkedHashMap<>();
      for (int i = 0; i < BACKGROUND_KEYS; i++) load.put("bg-" + i, "bg-" + i + ":0");
      for (int i = 0; i < CLIENT_KEYS; i++) load.put("c-" + i, "c-" + i + ":0");
      cluster.importThroughRouterInSlices(load);
      acked.putAll(load);

      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < CLIENTS; t++) {
        int me = t;
        clients.add(pool.submit(() -> client(cluster, me)));
      }
      ExecutorService lister = Executors.newSingleThreadExecutor();
      clients.add(lister.submit(() -> lister(cluster)));
      try {
        step(cluster, List.of("node-1", "node-2", "node-3", "node-4"));
        step(cluster, List.of("node-2", "node-3", "node-4"));
      } finally {
        stop.set(true);
        for (Future<?> f : clients) f.get(60, TimeUnit.SECONDS);
        pool.shutdownNow();
        lister.shutdownNow();
      }
      System.out.printf(
          "replicated moves: %d reads, %d writes under 16 clients, %d listings, %d failed%n",
          reads.get(), writes.get(), listings.get(), failures.get());
      if (failures.get() > 0) {
        cluster
            .routerLog()
            .lines()
            .filter(l -> l.contains("listing cut"))
            .forEach(System.out::println);
      }
      assertEquals(0, failures.get(), "failed calls; the first: " + firstFailure.get());
      assertTrue(reads.get() > 100 && writes.get() > 100, reads + " reads, " + writes + " writes");
      assertTrue(listings.get() > 2, listings + " listings");
    }
  }

  /** Writes the file, waits for the settle, checks every replica of every key. */
  private void step(MoveCluster cluster, List<String> members) throws Exception {
    long readsBefore = reads.get();
    long started = System.nanoTime();
    cluster.writeCluster(members);
    cluster.awaitSettled(members);
    System.out.printf(
        "settled on %s in %d ms, %d reads by the clients meanwhile%n",
        members, (System.nanoTime() - started) / 1_000_000, reads.get() - readsBefore);
    // The clients keep writing: a key is right on a replica when it holds the last acknowledged
    // write or one sent after it (the clients' writes carry a growing counter).
    Map<String, Function<String, Boolean>> allows = new HashMap<>();
    for (Map.Entry<String, String> e : new ArrayList<>(acked.entrySet())) {
      long floor = counter(e.getValue()); // as acknowledged when the cluster settled
      allows.put(e.getKey(), held -> held != null && counter(held) >= floor);
    }
    AtomicReference<List<String>> apart = new AtomicReference<>(List.of());
    MoveCluster.await(
        "every replica of every key holding its last acknowledged write",
        () -> {
          apart.set(ReplicaCheck.apart(cluster, members, 3, allows));
          return apart.get().isEmpty();
        },
        () ->
            apart.get().size()
                + " apart, e.g. "
                + apart.get().subList(0, Math.min(5, apart.get().size())));
  }

  private static long counter(String value) {
    return Long.parseLong(value.substring(value.lastIndexOf(':') + 1));
  }

  /**
   * One client, one call at a time: writes its own keys (every 16th client key) with a growing
   * counter, reads them back (each must read as its last acknowledged write: no other client writes
   * it), and reads keys loaded first and never written since.
   */
  private Void client(MoveCluster cluster, int me) {
    Random random = new Random(me);
    long counter = 0;
    while (!stop.get()) {
      int dice = random.nextInt(10);
      if (dice < 3) {
        String key = "c-" + (me + CLIENTS * random.nextInt(CLIENT_KEYS / CLIENTS));
        String value = key + ":" + ++counter;
        Http.Reply r =
            cluster.http.send("PUT", cluster.routerPort(), "/kv/" + key, Json.encode(value));
        writes.incrementAndGet();
        if (r.status() == 200 || r.status() == 201) acked.put(key, value);
        else fail("PUT " + key + " -> " + r);
      } else {
        String key =
            dice < 6
                ? "c-" + (me + CLIENTS * random.nextInt(CLIENT_KEYS / CLIENTS))
                : "bg-" + random.nextInt(BACKGROUND_KEYS);
        String want = acked.get(key);
        Http.Reply r = cluster.http.send("GET", cluster.routerPort(), "/kv/" + key, null);
        reads.incrementAndGet();
        if (r.status() != 200) {
          fail("GET " + key + " -> " + r);
        } else {
          String got = new JsonObject(r.body()).getString("value");
          if (!got.equals(want)) fail("GET " + key + " -> " + got + ", expected " + want);
        }
      }
    }
    return null;
  }

  private static final Pattern KEY = Pattern.compile("\"((?:bg|c)-\\d+)\":");

  /**
   * Lists the whole cluster again and again: every key once (counted in the streamed body, which a
   * parsed object would hide), each at its write acknowledged before the listing began or a newer
   * one.
   */
  private Void lister(MoveCluster cluster) {
    while (!stop.get()) {
      Map<String, Long> before = new HashMap<>();
      acked.forEach((k, v) -> before.put(k, counter(v)));
      Http.Reply r = cluster.http.send("GET", cluster.routerPort(), "/kv", null);
      listings.incrementAndGet();
      if (r.status() != 200) {
        fail("GET /kv -> " + r);
        continue;
      }
      Matcher m = KEY.matcher(r.body());
      int keys = 0;
      while (m.find()) keys++;
      JsonObject pairs = new JsonObject(r.body());
      if (keys != BACKGROUND_KEYS + CLIENT_KEYS || pairs.size() != keys) {
        fail("GET /kv listed " + keys + " keys (" + pairs.size() + " distinct)");
        continue;
      }
      for (Map.Entry<String, Long> e : before.entrySet()) {
        String value = pairs.getString(e.getKey());
        if (value == null || counter(value) < e.getValue()) {
          fail("GET /kv listed " + e.getKey() + " as " + value + ", acknowledged " + e.getValue());
          break;
        }
      }
    }
    return null;
  }

  private void fail(String what) {
    failures.incrementAndGet();
    firstFailure.compareAndSet(null, what);
  }
}
