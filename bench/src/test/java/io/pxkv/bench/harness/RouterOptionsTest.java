package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.Replication;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterOptionsTest {
  @TempDir Path dir;

  @Test
  void theRouterGetsItsClusterFileAndRateOnlyWhenSet() {
    RouterOptions o = RouterOptions.of(Path.of("/t/c.json"));
    assertEquals(List.of("--cluster", "/t/c.json"), o.args());
    assertEquals("", o.describe());
    assertEquals(
        List.of("--cluster", "/t/c.json", "--rebalance-rate", "2500", "--client", "vertx"),
        o.withRebalanceRate(2500).withFlags("--client", "vertx").args());
  }

  @Test
  void theDescriptionNamesTheFlagsNotThePaths() {
    assertEquals(
        "`--rebalance-rate 2500` keys/s, `--node-client vertx`",
        RouterOptions.of(Path.of("c"))
            .withRebalanceRate(2500)
            .withFlags("--node-client", "vertx")
            .describe());
  }

  @Test
  void theClusterFileNamesNodesInOrderAndIsReplacedWhole() throws Exception {
    Path file = dir.resolve("cluster.json");
    Server a = new Server("a", 9001, null, Api.KV);
    Server b = new Server("b", 9002, null, Api.KV);
    ClusterFile.write(file, List.of(a));
    ClusterFile.write(file, List.of(a, b));
    JsonObject json = new JsonObject(Files.readString(file));
    assertEquals(128, json.getInteger("virtualNodes"));
    assertEquals("node-2", json.getJsonArray("nodes").getJsonObject(1).getString("id"));
    assertEquals(
        "http://127.0.0.1:9002", json.getJsonArray("nodes").getJsonObject(1).getString("url"));
    assertEquals(List.of(file), Files.list(dir).toList());
  }

  @Test
  void replicasGoIntoTheFileAlwaysAndTheProductReadsThem() {
    List<Server> nodes =
        List.of(
            new Server("a", 9001, null, Api.KV),
            new Server("b", 9002, null, Api.KV),
            new Server("c", 9003, null, Api.KV));
    String plain = ClusterFile.json(nodes);
    assertTrue(plain.contains("\"replicas\": 1"), plain);
    assertEquals(1, ClusterConfig.fromJson(plain, "plain").replication().copies(3));

    Replication three =
        ClusterConfig.fromJson(ClusterFile.json(nodes, new ClusterFile.Replicas(3, 2, 2)), "three")
            .replication();
    assertEquals(3, three.copies(3));
    assertEquals(2, three.writeQuorum(3));
    assertEquals(2, three.readQuorum(3));

    Replication one =
        ClusterConfig.fromJson(ClusterFile.json(nodes, new ClusterFile.Replicas(1, 1, 1)), "one")
            .replication();
    assertEquals(1, one.copies(3));
    assertEquals(1, one.writeQuorum(3));
    assertEquals("N=3, W=2, R=2", new ClusterFile.Replicas(3, 2, 2).describe());
  }
}
