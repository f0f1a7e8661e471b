package io.pxkv.node;

import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.storage.StorageFiles;
import io.pxkv.node.storage.StorageOptions;
import io.pxkv.node.storage.SyncMode;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A real node on a free loopback port for HTTP tests, on its own Vert.x, with a blocking client.
 * Writes are not fsynced ({@code never}): these tests are about the API, and a suite of sequential
 * PUTs would otherwise wait on the disk.
 */
public final class TestNode implements AutoCloseable {
  private final Vertx vertx;
  private final NodeServer server;
  private final NodeClient client;

  private TestNode(Vertx vertx, NodeServer server) {
    this.vertx = vertx;
    this.server = server;
    this.client = new NodeClient(server.port());
  }

  /** Starts node {@code id} on {@code dataDir} with a value limit of {@code maxValueBytes}. */
  public static TestNode start(String id, Path dataDir, int maxValueBytes) throws Exception {
    return start(id, dataDir, maxValueBytes, Clock.systemUTC());
  }

  /** As {@link #start(String, Path, int)}, its storage reading the wall clock {@code wall}. */
  public static TestNode start(String id, Path dataDir, int maxValueBytes, Clock wall)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    NodeConfig defaults = NodeConfig.forTest(id, dataDir);
    NodeConfig config =
        defaults
            .withStorage(defaults.storage().withSyncMode(SyncMode.NEVER))
            .withLimits(new ValueLimits(maxValueBytes, 8));
    StorageOptions storage = config.storage();
    return new TestNode(
        vertx,
        NodeServer.start(vertx, config, () -> StorageEngines.open(storage, StorageFiles.DISK, wall))
            .await(30, TimeUnit.SECONDS));
  }

  public int port() {
    return server.port();
  }

  public NodeClient client() {
    return client;
  }

  /** The node's storage engine, for tests that set what the HTTP API cannot (the gate). */
  public io.pxkv.node.storage.StorageEngine engine() {
    return server.storage().engine();
  }

  @Override
  public void close() throws Exception {
    server.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
