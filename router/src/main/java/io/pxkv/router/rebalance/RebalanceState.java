package io.pxkv.router.rebalance;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the router must remember across restarts to finish a rebalance: the last layout whose keys
 * all sit on their owners ({@code settled}), and every node that has held keys since then (the
 * nodes a key may still be on). While the two differ from the current config, the router keeps
 * moving and keeps consulting those nodes on a miss.
 *
 * <p>Saved as JSON with temp file, fsync, rename, so a crash leaves the old or the new state, never
 * a torn one. Blocking: call it off the event loop.
 *
 * @param settled the layout every key was on when the last rebalance finished
 * @param holders nodes that may hold keys not yet on their owner (settled's, removed ones, added
 *     ones)
 * @param since per holder, its clock reading taken before any key moved to it in this rebalance:
 *     its tombstones older than that are from earlier moves and must not block keys coming back
 */
public record RebalanceState(
    ClusterConfig settled, List<NodeInfo> holders, Map<String, Long> since) {
  public static final String FILE_NAME = "rebalance-state.json";

  public RebalanceState {
    holders = List.copyOf(holders);
    since = Map.copyOf(since);
  }

  /** The state of a cluster at rest on {@code config}. */
  public static RebalanceState settledOn(ClusterConfig config) {
    return new RebalanceState(config, config.nodes(), Map.of());
  }

  /** The state after {@code next} became the target: every node seen so far may still hold keys. */
  public RebalanceState target(ClusterConfig next) {
    Map<String, NodeInfo> union = new LinkedHashMap<>();
    for (NodeInfo n : holders) union.put(n.id(), n);
    for (NodeInfo n : next.nodes()) union.put(n.id(), n);
    return new RebalanceState(settled, new ArrayList<>(union.values()), since);
  }

  /** The holders that still need a clock reading. */
  public List<NodeInfo> withoutReading() {
    return holders.stream().filter(n -> !since.containsKey(n.id())).toList();
  }

  /** This state with more clock readings. */
  public RebalanceState withReadings(Map<String, Long> readings) {
    Map<String, Long> all = new LinkedHashMap<>(since);
    all.putAll(readings);
    return new RebalanceState(settled, holders, all);
  }

  /** Whether keys may be off their owners in {@code target}. */
  public boolean unsettled(ClusterConfig target) {
    return !settled.equals(target)
        || holders.size() != target.nodes().size()
        || !target.nodes().containsAll(holders);
  }

  public static RebalanceState load(Path file) throws IOException {
    JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    ClusterConfig settled =
        ClusterConfig.fromJson(json.getJsonObject("settled").encode(), file + " (settled)");
    List<NodeInfo> holders = new ArrayList<>();
    JsonArray list = json.getJsonArray("holders");
    for (int i = 0; i < list.size(); i++) {
      JsonObject n = list.getJsonObject(i);
      ClusterConfig one =
          ClusterConfig.fromJson(
              new JsonObject().put("nodes", new JsonArray().add(n)).encode(), file + " (holders)");
      holders.add(one.nodes().get(0));
    }
    Map<String, Long> since = new LinkedHashMap<>();
    JsonObject readings = json.getJsonObject("since", new JsonObject());
    for (String id : readings.fieldNames()) since.put(id, readings.getLong(id));
    return new RebalanceState(settled, holders, since);
  }

  public void save(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JsonObject readings = new JsonObject();
    since.forEach(readings::put);
    JsonObject json =
        new JsonObject()
            .put("settled", toJson(settled))
            .put("holders", nodesJson(holders))
            .put("since", readings);
    Files.writeString(tmp, json.encodePrettily() + "\n", StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir =
        FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  static JsonObject toJson(ClusterConfig config) {
    return new JsonObject()
        .put("virtualNodes", config.virtualNodes())
        .put("nodes", nodesJson(config.nodes()));
  }

  private static JsonArray nodesJson(List<NodeInfo> nodes) {
    JsonArray out = new JsonArray();
    for (NodeInfo n : nodes) out.add(new JsonObject().put("id", n.id()).put("url", n.url()));
    return out;
  }
}
