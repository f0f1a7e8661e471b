package io.pxkv.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.node.ChildNode;
import io.pxkv.node.NodeClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kill -9 a node under 64-way PUT/DELETE load, restart it on the same directory, and check every
 * acknowledged write: each acked PUT reads back with its value (and, for a third of them, put with
 * a ttl, with the expiry it was acknowledged with), each acked DELETE stays deleted. A kill loses
 * the process, not the OS page cache, so this holds in every sync mode; and with values encrypted
 * at rest and deflated from 64 bytes (written as given; the rolls of the 256 KiB segments under the
 * load can set off background compactions that deflate them, so records of both kinds can be on
 * disk and the kill may land in such a compaction). Then the node starts once more with its clock
 * past every expiry ({@code --clock-offset-ms}): exactly the keys put with a ttl are gone.
 */
class NodeCrashIT {
  private static final int CLIENTS = 64;
  private static final long TTL_SECONDS = 3600;

  @ParameterizedTest(name = "fsync {0}, values {1}")
  @CsvSource({
    "always, plain",
    "interval, plain",
    "never, plain",
    "always, deflated+encrypted",
    "interval, deflated+encrypted",
    "never, deflated+encrypted"
  })
  void everyAcknowledgedWriteSurvivesAKill(String fsync, String values, @TempDir Path dataDir)
      throws Exception {
    List<String> codec = List.of("--compression", "none");
    if (values.equals("deflated+encrypted")) {
      Path keys = Files.createTempFile("pxkv-keys", "");
      keys.toFile().deleteOnExit();
      byte[] key = new byte[32];
      new Random().nextBytes(key);
      Files.writeString(keys, "3:" + Base64.getEncoder().encodeToString(key) + "\n");
      codec =
          List.of(
              "--compression",
              "deflate",
              "--compression-min-bytes",
              "64",
              "--encryption-key-file",
              keys.toString());
    }
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int killAfterAcks = 2000 + random.nextInt(3000);
    Map<String, String> ackedPuts = new ConcurrentHashMap<>();
    Map<String, String> ackedExpiry = new ConcurrentHashMap<>();
    Set<String> deleteSent = ConcurrentHashMap.newKeySet();
    Set<String> ackedDeletes = ConcurrentHashMap.newKeySet();
    AtomicInteger acks = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(1);

    ChildNode node =
        ChildNode.start(
            dataDir, args(codec, "--port", "0", "--fsync", fsync, "--segment-bytes", "256k"));
    NodeClient client = new NodeClient(node.port());
    Thread[] writers = new Thread[CLIENTS];
    for (int t = 0; t < CLIENTS; t++) {
      int id = t;
      writers[t] =
          new Thread(
              () -> {
                String lastAcked = null;
                for (int i = 0; ; i++) {
                  try {
                    if (lastAcked != null && i % 4 == 3) {
                      String victim = lastAcked;
                      deleteSent.add(victim);
                      lastAcked = null;
                      if (client.send("DELETE", "/kv?key=" + victim, null).statusCode() == 200) {
                        ackedDeletes.add(victim);
                      }
                    } else {
                      String key = "c" + id + "-" + i;
                      String value =
                          "{\"writer\":"
                              + id
                              + ",\"i\":"
                              + i
                              + ",\"pad\":\""
                              + "x".repeat(i % 200)
                              + "\"}";
                      boolean expires = i % 3 == 1;
                      HttpResponse<String> r =
                          expires
                              ? client.send(
                                  "PUT",
                                  "/kv",
                                  "{\"key\":\""
                                      + key
                                      + "\",\"value\":"
                                      + value
                                      + ",\"ttl\":"
                                      + TTL_SECONDS
                                      + "}")
                              : client.put(key, value);
                      if (r.statusCode() == 201) {
                        if (expires) {
                          ackedExpiry.put(key, new JsonObject(r.body()).getString("expiresAt"));
                        }
                        ackedPuts.put(key, value);
                        lastAcked = key;
                      }
                    }
                    if (acks.incrementAndGet() >= killAfterAcks) enough.countDown();
                  } catch (RuntimeException connectionLost) {
                    return;
                  }
                }
              },
              "writer-" + t);
      writers[t].start();
    }
    assertTrue(
        enough.await(120, TimeUnit.SECONDS), "load did not reach " + killAfterAcks + " acks");
    node.kill();
    for (Thread w : writers) w.join(30_000);

    try (ChildNode restarted =
        ChildNode.start(dataDir, args(codec, "--port", "0", "--fsync", fsync))) {
      NodeClient after = new NodeClient(restarted.port());
      int checked = 0;
      for (Map.Entry<String, String> put : ackedPuts.entrySet()) {
        String key = put.getKey();
        HttpResponse<String> r = after.getKey(key);
        if (ackedDeletes.contains(key)) {
          assertEquals(
              404, r.statusCode(), "acked delete came back: " + key + " (seed " + seed + ")");
        } else if (!deleteSent.contains(key)) {
          assertEquals(200, r.statusCode(), "acked put lost: " + key + " (seed " + seed + ")");
          assertEquals(
              new JsonObject(put.getValue()), new JsonObject(r.body()).getJsonObject("value"));
          assertEquals(
              ackedExpiry.get(key),
              new JsonObject(r.body()).getString("expiresAt"),
              "the expiry of " + key + " (seed " + seed + ")");
          checked++;
        }
      }
      assertTrue(checked > 500, "too few writes checked: " + checked);
      System.out.printf(
          "fsync=%s, values %s: killed after %d acks; %d puts (%d with a ttl) and %d deletes verified%n",
          fsync, values, acks.get(), checked, ackedExpiry.size(), ackedDeletes.size());
    }

    String pastEveryExpiry = String.valueOf((TTL_SECONDS + 1) * 1000);
    try (ChildNode later =
        ChildNode.start(
            dataDir,
            args(codec, "--port", "0", "--fsync", fsync, "--clock-offset-ms", pastEveryExpiry))) {
      NodeClient after = new NodeClient(later.port());
      int expired = 0;
      for (String key : ackedPuts.keySet()) {
        if (deleteSent.contains(key)) continue;
        int status = after.getKey(key).statusCode();
        if (ackedExpiry.containsKey(key)) {
          assertEquals(404, status, "expired " + key + " (seed " + seed + ")");
          expired++;
        } else {
          assertEquals(200, status, "no ttl: " + key + " (seed " + seed + ")");
        }
      }
      assertTrue(expired > 100, "too few expiries checked: " + expired);
    }
  }

  private static String[] args(List<String> codec, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(rest));
    all.addAll(codec);
    return all.toArray(String[]::new);
  }
}
