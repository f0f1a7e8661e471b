package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.testing.Await;
import io.pxkv.launcher.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code px-kvstore move --watch} through a real move: three nodes, two in the cluster file, 3,000
 * keys restored onto them; then the third joins the file and the router moves its share to it, at
 * 1,500 keys a second so that the move takes a moment. The watch ends when the move is done, and
 * every key is still there.
 */
class MoveWatchClusterTest {
  private static final int KEYS = 3000;

  @Test
  void watchingAMoveEndsWhenItIsDone(@TempDir Path dir) throws Exception {
    try (TestCluster cluster = TestCluster.withSpareNodes(dir, 3, 2, 1500)) {
      String url = cluster.url();
      Path lines = dir.resolve("keys.jsonl");
      Files.writeString(
          lines,
          IntStream.range(0, KEYS)
              .mapToObj(i -> "{\"key\":\"move:" + i + "\",\"value\":" + i + "}")
              .collect(Collectors.joining("\n", "", "\n")));
      assertEquals(0, new Cli().run("restore", lines.toString(), "--url", url).code());

      cluster.routeAll();
      Await.until(
          "the new file read by the router", Duration.ofSeconds(20), () -> targetNodes(url) == 3);
      Cli.Result watch =
          new Cli()
              .run(
                  "move",
                  "--watch",
                  "--json",
                  "--interval",
                  "0.1",
                  "--timeout",
                  "60",
                  "--url",
                  url);
      assertEquals(0, watch.code(), watch.toString());
      List<String> phases =
          watch.out().lines().map(l -> new JsonObject(l).getString("phase")).toList();
      assertEquals("done", phases.get(phases.size() - 1), phases.toString());
      assertTrue(phases.contains("moving"), "watched it move: " + phases);

      Cli.Result human = new Cli().run("move", "--watch", "--url", url);
      assertEquals(
          "phase: done\nphase: done (epoch ",
          human.out().substring(0, human.out().indexOf("epoch ") + 6));

      Cli.Result status = new Cli().run("cluster", "--json", "--url", url);
      JsonArray nodes = new JsonObject(status.out()).getJsonArray("nodes");
      long onNode3 =
          nodes.stream()
              .map(JsonObject.class::cast)
              .filter(n -> n.getString("id").equals("node-3"))
              .mapToLong(n -> n.getLong("keys"))
              .sum();
      assertTrue(onNode3 > KEYS / 6, "node-3 holds its share: " + onNode3);
      assertEquals(
          KEYS,
          new Cli().run("ls", "move:", "--page-size", "1000", "--url", url).out().lines().count());
    }
  }

  private static int targetNodes(String url) {
    Cli.Result r = new Cli().run("move", "--json", "--url", url);
    return new JsonObject(r.out()).getJsonObject("target").getJsonArray("nodes").size();
  }
}
