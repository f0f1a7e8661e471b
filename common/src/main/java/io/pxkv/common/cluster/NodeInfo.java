package io.pxkv.common.cluster;

/**
 * One storage node of the cluster as the config names it.
 *
 * @param id the node's stable name; it places the node on the ring, so renaming moves its keys
 * @param url the base URL, {@code http://host:port} or {@code https://host:port} (the node serves
 *     TLS), with no path
 * @param host the host part of {@code url}
 * @param port the port part of {@code url}
 * @param zone the failure zone (rack, availability zone) the node is in, or null: replicas of a key
 *     go to distinct zones where the zones allow
 */
public record NodeInfo(String id, String url, String host, int port, String zone) {
  public NodeInfo {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
  }

  /** A node in no particular zone. */
  public NodeInfo(String id, String url, String host, int port) {
    this(id, url, host, port, null);
  }

  /** The same node in {@code zone} (null: none). */
  public NodeInfo inZone(String zone) {
    return new NodeInfo(id, url, host, port, zone);
  }

  /** Builds a node from an id and a {@code http://host:port} URL, already validated. */
  public static NodeInfo of(String id, String host, int port) {
    return new NodeInfo(id, "http://" + host + ":" + port, host, port);
  }

  /** Builds a node served over TLS when {@code tls}: {@code https://host:port}. */
  public static NodeInfo of(String id, boolean tls, String host, int port) {
    return new NodeInfo(id, (tls ? "https://" : "http://") + host + ":" + port, host, port);
  }

  /** Whether the node serves TLS ({@code https://}): callers must then speak TLS to it. */
  public boolean tls() {
    return url.startsWith("https://");
  }
}
