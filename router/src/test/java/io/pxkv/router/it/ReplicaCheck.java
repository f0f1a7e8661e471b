package io.pxkv.router.it;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.cluster.ReplicaPlacement;
import io.pxkv.common.cluster.Replication;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Whether every key sits on every member of its replica set in a layout, as a model says, read from
 * the nodes themselves ({@code /internal/scan?deleted=1}: values and held tombstones, handoff
 * markers left out), not through a router (which would repair what it reads).
 */
final class ReplicaCheck {
  private ReplicaCheck() {}

  /** What one node holds of each key: the value, {@code null} for a tombstone; absent: nothing. */
  static Map<String, String> held(Http http, int port) {
    Http.Reply r = http.send("GET", port, "/internal/scan?deleted=1", null);
    if (r.status() != 200) throw new AssertionError("scan of the node on " + port + ": " + r);
    Map<String, String> records = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isEmpty()) continue;
      JsonObject record = new JsonObject(line);
      if (record.getBoolean("handedOff", false)) continue;
      String value =
          record.getBoolean("deleted", false) ? null : JudgedOps.valueOf(record.getValue("value"));
      records.put(record.getString("key"), value);
    }
    return records;
  }

  /**
   * The keys some replica of {@code members} (N copies, {@link MoveCluster#VIRTUAL_NODES} tokens)
   * does not hold as {@code allows} says (a tombstone or nothing counts as absent); empty when all
   * do. {@code allows}: for a key, whether a value (null: absent) is a state it may be in.
   */
  static List<String> apart(
      MoveCluster cluster,
      List<String> members,
      int replicas,
      Map<String, Function<String, Boolean>> allows) {
    List<NodeInfo> nodes = new ArrayList<>();
    for (String id : members) nodes.add(NodeInfo.of(id, "127.0.0.1", cluster.port(id)));
    ReplicaPlacement placement =
        new ReplicaPlacement(
            new ClusterConfig(
                null,
                MoveCluster.VIRTUAL_NODES,
                nodes,
                List.of(),
                new Replication(replicas, 0, 0)));
    Map<String, Map<String, String>> held = new HashMap<>();
    for (String id : members) held.put(id, held(cluster.http, cluster.port(id)));
    List<String> apart = new ArrayList<>();
    for (Map.Entry<String, Function<String, Boolean>> e : allows.entrySet()) {
      String key = e.getKey();
      for (String id : placement.replicasOf(key)) {
        String value = held.get(id).get(key);
        if (!e.getValue().apply(value)) {
          apart.add(key + " on " + id + ": " + (value == null ? "absent" : value));
          break;
        }
      }
    }
    return apart;
  }
}
