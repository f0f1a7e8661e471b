package io.pxkv.node.cluster;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.cluster.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The node's memory of its cluster, in the file {@code CLUSTER} of its data directory: the cluster
 * it belongs to, the newest view it was asked to prepare, and the newest view it opened.
 *
 * <pre>
 * {"clusterId": "prod-eu", "prepared": {cluster state}, "open": {cluster state}}
 * </pre>
 *
 * Published whole or not at all (temp file, fsync, rename, fsync of the directory), so a crash
 * leaves the old memory or the new one. Blocking: call it off the event loop.
 */
final class ViewStore {
  static final String FILE_NAME = "CLUSTER";

  /** What the file holds; every member may be null (a node that never joined a cluster). */
  record Stored(String clusterId, ClusterState prepared, ClusterState open) {
    static final Stored NONE = new Stored(null, null, null);

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("clusterId", clusterId);
      if (prepared != null) json.put("prepared", prepared.toJson());
      if (open != null) json.put("open", open.toJson());
      return json;
    }
  }

  private final Path file;

  ViewStore(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  /**
   * What was stored last, or {@link Stored#NONE} when nothing was.
   *
   * @throws IOException when the file cannot be read or makes no sense: the node must not guess
   *     which cluster it belongs to
   */
  Stored load() throws IOException {
    if (!Files.exists(file)) return Stored.NONE;
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      JsonObject json = new JsonObject(text);
      return new Stored(
          json.getString("clusterId"),
          state(json.getJsonObject("prepared")),
          state(json.getJsonObject("open")));
    } catch (DecodeException | ClassCastException | ConfigException e) {
      throw new IOException(
          file
              + " is damaged ("
              + e.getMessage()
              + "); it says which cluster this node belongs to: restore it or remove the node's data");
    }
  }

  private ClusterState state(JsonObject json) {
    return json == null ? null : ClusterState.fromJson(json, file.toString());
  }

  void save(Stored stored) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    byte[] bytes = (stored.toJson().encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
