package io.pxkv.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.NodeClient;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.node.StorageEngines;
import io.pxkv.node.storage.FaultyStorageFiles;
import io.pxkv.node.storage.SyncMode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node says when its disk fails, and backup/restore and compaction through its admin API.
 */
class NodeFailureAndBackupTest {
  @TempDir Path dir;
  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private NodeServer node(Path data, FaultyStorageFiles files) throws Exception {
    return node(vertx, data, files);
  }

  /**
   * Two nodes on port 0 in one Vert.x would share one random port (Vert.x shares a server among all
   * that bind the same negative port), so a second node gets a Vert.x of its own.
   */
  private static NodeServer node(Vertx vertx, Path data, FaultyStorageFiles files)
      throws Exception {
    NodeConfig config = NodeConfig.forTest("node-f", data);
    NodeConfig always = config.withStorage(config.storage().withSyncMode(SyncMode.ALWAYS));
    return NodeServer.start(vertx, always, () -> StorageEngines.open(always.storage(), files))
        .await(30, TimeUnit.SECONDS);
  }

  @Test
  void aFailedFsyncRefusesWritesWithAJsonErrorKeepsReadsAndTurnsHealthRed() throws Exception {
    FaultyStorageFiles files = new FaultyStorageFiles();
    NodeServer node = node(dir.resolve("d"), files);
    NodeClient client = new NodeClient(node.port());
    assertEquals(201, client.put("safe", "\"acked before\"").statusCode());

    files.failNextSync();
    HttpResponse<String> failed = client.put("lost", "1");
    assertEquals(507, failed.statusCode(), failed.body());
    assertEquals("insufficient_storage", new JsonObject(failed.body()).getString("error"));
    assertEquals(507, client.put("later", "2").statusCode(), "writes stay refused");
    assertEquals(507, client.send("DELETE", "/kv?key=safe", null).statusCode());

    assertEquals("acked before", new JsonObject(client.getKey("safe").body()).getString("value"));
    HttpResponse<String> health = client.get("/health");
    assertEquals(503, health.statusCode());
    assertTrue(
        new JsonObject(health.body()).getString("reason").contains("writes refused"),
        health.body());
    node.close().await(30, TimeUnit.SECONDS);

    NodeServer reopened = node(dir.resolve("d"), new FaultyStorageFiles());
    NodeClient after = new NodeClient(reopened.port());
    assertEquals("acked before", new JsonObject(after.getKey("safe").body()).getString("value"));
    assertEquals(200, after.get("/health").statusCode());
    reopened.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void exportThenImportIntoAnEmptyNodeGivesTheSameData() throws Exception {
    NodeServer source = node(dir.resolve("a"), new FaultyStorageFiles());
    NodeClient a = new NodeClient(source.port());
    for (int i = 0; i < 2500; i++) {
      a.put(
          "k/" + i + (i % 7 == 0 ? " \uD83D\uDE00" : ""),
          "{\"i\":" + i + ",\"s\":\"line\\nbreak\"}");
    }
    HttpResponse<String> export = a.get("/admin/export");
    assertEquals(200, export.statusCode());
    String[] lines = export.body().split("\n");
    assertEquals(2500, lines.length);

    Vertx other = Vertx.vertx();
    NodeServer target = node(other, dir.resolve("b"), new FaultyStorageFiles());
    NodeClient b = new NodeClient(target.port());
    HttpResponse<String> imported = b.send("POST", "/admin/import", export.body());
    assertEquals(200, imported.statusCode(), imported.body());
    assertEquals(2500, new JsonObject(imported.body()).getLong("imported"), imported.body());
    assertEquals(new JsonObject(a.get("/kv").body()), new JsonObject(b.get("/kv").body()));
    for (String line : List.of(lines[0], lines[1234])) {
      // A restore keeps each write's version and writer.
      JsonObject exported = new JsonObject(line);
      JsonObject restored = new JsonObject(b.getKey(exported.getString("key")).body());
      assertEquals(exported.getLong("version"), restored.getLong("version"));
    }
    assertEquals(
        WriteOrder.writerJson(WriteOrder.writerIdOf("node-f")),
        new JsonObject(lines[0]).getLong("writer"));
    HttpResponse<String> again = b.send("POST", "/admin/import", export.body());
    assertEquals(
        new JsonObject().put("imported", 0).put("skipped", 2500),
        new JsonObject(again.body()),
        "a second restore changes nothing");

    HttpResponse<String> bad =
        b.send("POST", "/admin/import", "{\"key\":\"x\",\"value\":1}\n{\"key\":\"y\"}\n");
    assertEquals(400, bad.statusCode());
    JsonObject error = new JsonObject(bad.body());
    assertEquals("missing_value", error.getString("error"));
    assertTrue(error.getString("message").startsWith("line 2:"), error.getString("message"));
    assertEquals(405, b.get("/admin/import").statusCode());
    source.close().await(30, TimeUnit.SECONDS);
    target.close().await(30, TimeUnit.SECONDS);
    other.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void compactOnRequestKeepsEveryLiveValue() throws Exception {
    NodeConfig config = NodeConfig.forTest("node-c", dir.resolve("c"));
    NodeConfig small =
        config.withStorage(
            config.storage().withSyncMode(SyncMode.NEVER).withSegmentBytes(64 * 1024));
    NodeServer node = NodeServer.start(vertx, small).await(30, TimeUnit.SECONDS);
    NodeClient client = new NodeClient(node.port());
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 300; i++)
        client.put("c" + i, "{\"round\":" + round + ",\"pad\":\"" + "p".repeat(100) + "\"}");
    }
    for (int i = 0; i < 300; i += 3) client.send("DELETE", "/kv?key=c" + i, null);
    String before = client.get("/kv").body();
    long diskBefore = new JsonObject(client.get("/admin/stats").body()).getLong("diskBytes");
    HttpResponse<String> compacted = client.send("POST", "/admin/compact", null);
    assertEquals(200, compacted.statusCode(), compacted.body());
    assertTrue(new JsonObject(compacted.body()).getLong("bytesReclaimed") > 0, compacted.body());
    assertEquals(new JsonObject(before), new JsonObject(client.get("/kv").body()));
    assertTrue(new JsonObject(client.get("/admin/stats").body()).getLong("diskBytes") < diskBefore);
    node.close().await(30, TimeUnit.SECONDS);
  }
}
