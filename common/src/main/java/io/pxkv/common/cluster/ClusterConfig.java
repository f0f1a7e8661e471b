package io.pxkv.common.cluster;

import io.pxkv.common.ring.ConsistentHashRing;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's cluster file (CONTRACT.md "Cluster config"), parsed and validated in this one place.
 *
 * <pre>
 * {"clusterId": "prod-eu", "virtualNodes": 128,
 *  "nodes": [{"id": "node-1", "url": "http://127.0.0.1:9001"}, ...]}
 * </pre>
 *
 * <p>{@link #fromJson} collects every problem before throwing one {@link ConfigException}, so a bad
 * file is fixed in one round. Unknown fields are ignored, so newer files still load. Immutable.
 *
 * @param clusterId the cluster's id, or null when the file names none (the nodes then keep the one
 *     generated at the first start): nodes of another cluster are refused
 * @param virtualNodes tokens per node on the ring, 1..4096 (default 128)
 * @param nodes the storage nodes, at least one, ids and URLs distinct, in file order
 * @param indexes the value indexes every node keeps of its keys ({@link IndexSpec}), names distinct
 * @param replication copies per key and the quorums ({@link Replication})
 */
public record ClusterConfig(
    String clusterId,
    int virtualNodes,
    List<NodeInfo> nodes,
    List<IndexSpec> indexes,
    Replication replication) {
  public static final int DEFAULT_VIRTUAL_NODES = ConsistentHashRing.DEFAULT_VIRTUAL_NODES;
  public static final int MAX_VIRTUAL_NODES = 4096;

  /** At most this long, and only letters, digits, '.', '_' and '-'. */
  public static final int MAX_CLUSTER_ID_LENGTH = 64;

  public ClusterConfig {
    nodes = List.copyOf(nodes);
    indexes = indexes == null ? List.of() : List.copyOf(indexes);
    replication = replication == null ? Replication.SINGLE : replication;
  }

  /** A layout keeping one copy of each key ({@link #withReplication} for more). */
  public ClusterConfig(
      String clusterId, int virtualNodes, List<NodeInfo> nodes, List<IndexSpec> indexes) {
    this(clusterId, virtualNodes, nodes, indexes, Replication.SINGLE);
  }

  /** A layout without indexes. */
  public ClusterConfig(String clusterId, int virtualNodes, List<NodeInfo> nodes) {
    this(clusterId, virtualNodes, nodes, List.of());
  }

  /** A layout that names no cluster id and no indexes. */
  public ClusterConfig(int virtualNodes, List<NodeInfo> nodes) {
    this(null, virtualNodes, nodes);
  }

  /** This layout without its cluster id: what a move compares and a cluster state keeps. */
  public ClusterConfig layout() {
    return clusterId == null
        ? this
        : new ClusterConfig(null, virtualNodes, nodes, indexes, replication);
  }

  /** The same layout under {@code id}. */
  public ClusterConfig withClusterId(String id) {
    return new ClusterConfig(id, virtualNodes, nodes, indexes, replication);
  }

  /** The same layout with {@code next} as its indexes. */
  public ClusterConfig withIndexes(List<IndexSpec> next) {
    return new ClusterConfig(clusterId, virtualNodes, nodes, next, replication);
  }

  /** The same layout with {@code next} as its replication settings. */
  public ClusterConfig withReplication(Replication next) {
    return new ClusterConfig(clusterId, virtualNodes, nodes, indexes, next);
  }

  /** Copies kept of each key: {@code replicas} capped by the number of nodes. */
  public int copies() {
    return replication.copies(nodes.size());
  }

  /** Replicas that must make a write durable before it is acknowledged. */
  public int writeQuorum() {
    return replication.writeQuorum(nodes.size());
  }

  /** Replicas a read asks. */
  public int readQuorum() {
    return replication.readQuorum(nodes.size());
  }

  /** The index named {@code name}, or null. */
  public IndexSpec index(String name) {
    for (IndexSpec i : indexes) {
      if (i.name().equals(name)) return i;
    }
    return null;
  }

  /** Whether {@code id} may name a cluster. */
  public static boolean isValidClusterId(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_CLUSTER_ID_LENGTH
        && id.chars()
            .allMatch(
                c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'));
  }

  /** The layout as the cluster file writes it (without {@code clusterId} when it has none). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (clusterId != null) json.put("clusterId", clusterId);
    JsonArray list = new JsonArray();
    for (NodeInfo n : nodes) {
      JsonObject node = new JsonObject().put("id", n.id()).put("url", n.url());
      if (n.zone() != null) node.put("zone", n.zone());
      list.add(node);
    }
    json.put("virtualNodes", virtualNodes);
    replication.writeTo(json);
    json.put("nodes", list);
    if (!indexes.isEmpty()) {
      JsonArray specs = new JsonArray();
      for (IndexSpec i : indexes) specs.add(i.toJson());
      json.put("indexes", specs);
    }
    return json;
  }

  /** The node with this id, or null. */
  public NodeInfo node(String id) {
    for (NodeInfo n : nodes) {
      if (n.id().equals(id)) {
        return n;
      }
    }
    return null;
  }

  /** Reads and validates {@code file}; problems name the file as given. */
  public static ClusterConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of("file not found"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
    }
    return fromJson(text, file.toString());
  }

  /** Parses and validates {@code json}; {@code source} names it in the exception. */
  public static ClusterConfig fromJson(String json, String source) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(source, List.of("not a JSON object: " + firstLine(e.getMessage())));
    }
    List<String> problems = new ArrayList<>();
    String clusterId = readClusterId(root, problems);
    int virtualNodes = readVirtualNodes(root, problems);
    List<NodeInfo> nodes = readNodes(root, problems);
    List<IndexSpec> indexes = IndexSpec.readAll(root.getValue("indexes"), problems);
    Replication replication = Replication.read(root, nodes.size(), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return new ClusterConfig(clusterId, virtualNodes, nodes, indexes, replication);
  }

  private static String readClusterId(JsonObject root, List<String> problems) {
    Object raw = root.getValue("clusterId");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String id) || !isValidClusterId(id)) {
      problems.add(
          "clusterId: must be 1.."
              + MAX_CLUSTER_ID_LENGTH
              + " letters, digits, '.', '_' or '-' (was "
              + quoted(raw)
              + ")");
      return null;
    }
    return id;
  }

  private static int readVirtualNodes(JsonObject root, List<String> problems) {
    Object raw = root.getValue("virtualNodes");
    if (raw == null) {
      return DEFAULT_VIRTUAL_NODES;
    }
    if (!(raw instanceof Integer || raw instanceof Long)) {
      problems.add(
          "virtualNodes: must be a whole number 1.." + MAX_VIRTUAL_NODES + " (was " + raw + ")");
      return DEFAULT_VIRTUAL_NODES;
    }
    long v = ((Number) raw).longValue();
    if (v < 1 || v > MAX_VIRTUAL_NODES) {
      problems.add("virtualNodes: must be 1.." + MAX_VIRTUAL_NODES + " (was " + v + ")");
    }
    return (int) v;
  }

  private static List<NodeInfo> readNodes(JsonObject root, List<String> problems) {
    Object raw = root.getValue("nodes");
    if (raw == null) {
      problems.add("nodes: is required (a list of {\"id\", \"url\"})");
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      problems.add("nodes: must be a list (was " + raw + ")");
      return List.of();
    }
    if (array.isEmpty()) {
      problems.add("nodes: must name at least one node (was empty)");
      return List.of();
    }
    List<NodeInfo> nodes = new ArrayList<>();
    Map<String, Integer> seenIds = new HashMap<>();
    Map<String, Integer> seenUrls = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "nodes[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject node)) {
        problems.add(
            at + ": must be an object with \"id\" and \"url\" (was " + array.getValue(i) + ")");
        continue;
      }
      String id = readId(node, at, seenIds, i, problems);
      URI url = readUrl(node, at, seenUrls, i, problems);
      String zone = readZone(node, at, problems);
      if (id != null && url != null) {
        nodes.add(
            NodeInfo.of(id, url.getScheme().equals("https"), url.getHost(), url.getPort())
                .inZone(zone));
      }
    }
    return nodes;
  }

  private static String readId(
      JsonObject node, String at, Map<String, Integer> seen, int index, List<String> problems) {
    Object raw = node.getValue("id");
    if (raw == null) {
      problems.add(at + ".id: is required");
      return null;
    }
    if (!(raw instanceof String id) || id.isBlank()) {
      problems.add(at + ".id: must be a non-empty string (was " + quoted(raw) + ")");
      return null;
    }
    if (!id.equals(id.strip())) {
      problems.add(at + ".id: must not start or end with spaces (was " + quoted(id) + ")");
      return null;
    }
    Integer first = seen.putIfAbsent(id, index);
    if (first != null) {
      problems.add(at + ".id: duplicate of nodes[" + first + "].id (was " + quoted(id) + ")");
      return null;
    }
    return id;
  }

  private static String readZone(JsonObject node, String at, List<String> problems) {
    Object raw = node.getValue("zone");
    if (raw == null) return null;
    if (!(raw instanceof String zone) || zone.isBlank() || !zone.equals(zone.strip())) {
      problems.add(
          at + ".zone: must be a non-empty string without outer spaces (was " + quoted(raw) + ")");
      return null;
    }
    return zone;
  }

  private static URI readUrl(
      JsonObject node, String at, Map<String, Integer> seen, int index, List<String> problems) {
    Object raw = node.getValue("url");
    if (raw == null) {
      problems.add(at + ".url: is required (http://host:port or https://host:port)");
      return null;
    }
    URI url = parseUrl(raw);
    if (url == null) {
      problems.add(
          at + ".url: must be http://host:port or https://host:port (was " + quoted(raw) + ")");
      return null;
    }
    String normal = url.getHost().toLowerCase() + ":" + url.getPort();
    Integer first = seen.putIfAbsent(normal, index);
    if (first != null) {
      problems.add(at + ".url: same address as nodes[" + first + "].url (was " + quoted(raw) + ")");
      return null;
    }
    return url;
  }

  /**
   * The URL if it is exactly {@code http://host:port} or {@code https://host:port} (an optional
   * trailing '/'), else null.
   */
  private static URI parseUrl(Object raw) {
    if (!(raw instanceof String s)) {
      return null;
    }
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      return null;
    }
    boolean plainPath =
        u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/");
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
        || u.getHost() == null
        || u.getPort() < 1
        || u.getPort() > 65535
        || u.getRawUserInfo() != null
        || !plainPath
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      return null;
    }
    return u;
  }

  private static String quoted(Object raw) {
    return raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The ring of this config, with Murmur3. */
  public ConsistentHashRing ring() {
    return new ConsistentHashRing(nodes.stream().map(NodeInfo::id).toList(), virtualNodes);
  }
}
