package io.pxkv.common.cluster;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How many copies of each key a cluster keeps and how many of them a write or a read waits for: the
 * cluster file's {@code replicas}, {@code writeQuorum} and {@code readQuorum} (CONTRACT.md).
 *
 * <p>{@code replicas} is capped by the number of nodes ({@link #copies}); a quorum left out of the
 * file (0 here) is 2, capped by the copies. A quorum set in the file larger than the copies the
 * nodes allow is refused by {@link #read}: such a cluster could never acknowledge a write.
 *
 * @param replicas copies of each key asked for, at least 1 (1: the single-copy cluster)
 * @param writeQuorum replicas that must make a write durable before it is acknowledged; 0: default
 * @param readQuorum replicas a read asks; 0: default
 */
public record Replication(int replicas, int writeQuorum, int readQuorum) {
  /** The copies a cluster file that does not say {@code replicas} keeps (capped by its nodes). */
  public static final int DEFAULT_REPLICAS = 3;

  /** The quorums' default, capped by the copies. */
  public static final int DEFAULT_QUORUM = 2;

  /** More copies than this is a typo, not a plan. */
  public static final int MAX_REPLICAS = 16;

  /** What a cluster file without {@code replicas} and quorums asks for. */
  public static final Replication DEFAULT = new Replication(DEFAULT_REPLICAS, 0, 0);

  /**
   * One copy of each key: a layout built in code without saying otherwise, and a view stored before
   * views always named their replicas (when one copy was the only kind).
   */
  public static final Replication SINGLE = new Replication(1, 0, 0);

  /** Copies of each key on a cluster of {@code nodes} nodes. */
  public int copies(int nodes) {
    return Math.max(1, Math.min(replicas, nodes));
  }

  /** The write quorum on a cluster of {@code nodes} nodes. */
  public int writeQuorum(int nodes) {
    return quorum(writeQuorum, copies(nodes));
  }

  /** The read quorum on a cluster of {@code nodes} nodes. */
  public int readQuorum(int nodes) {
    return quorum(readQuorum, copies(nodes));
  }

  private static int quorum(int set, int copies) {
    return set == 0 ? Math.min(DEFAULT_QUORUM, copies) : Math.min(set, copies);
  }

  /**
   * Adds the members: {@code replicas} always (a stored view must not change meaning with the
   * default), the quorums when set.
   */
  void writeTo(JsonObject json) {
    json.put("replicas", replicas);
    if (writeQuorum != 0) json.put("writeQuorum", writeQuorum);
    if (readQuorum != 0) json.put("readQuorum", readQuorum);
  }

  /** Reads the three members of a cluster file with {@code nodes} nodes, adding any problem. */
  static Replication read(JsonObject root, int nodes, List<String> problems) {
    int replicas = whole(root, "replicas", DEFAULT_REPLICAS, 1, MAX_REPLICAS, problems);
    int w = whole(root, "writeQuorum", 0, 1, MAX_REPLICAS, problems);
    int r = whole(root, "readQuorum", 0, 1, MAX_REPLICAS, problems);
    int copies = Math.max(1, Math.min(replicas, Math.max(1, nodes)));
    for (String name : new String[] {"writeQuorum", "readQuorum"}) {
      int q = name.equals("writeQuorum") ? w : r;
      if (q > copies) {
        problems.add(
            name
                + ": must be at most the copies kept ("
                + copies
                + ": replicas "
                + replicas
                + (nodes < replicas ? ", capped by " + nodes + " nodes" : "")
                + ") (was "
                + q
                + ")");
      }
    }
    return new Replication(replicas, w, r);
  }

  private static int whole(
      JsonObject root, String name, int otherwise, int min, int max, List<String> problems) {
    Object raw = root.getValue(name);
    if (raw == null) return otherwise;
    if (!(raw instanceof Integer || raw instanceof Long)
        || ((Number) raw).longValue() < min
        || ((Number) raw).longValue() > max) {
      problems.add(name + ": must be a whole number " + min + ".." + max + " (was " + raw + ")");
      return otherwise;
    }
    return ((Number) raw).intValue();
  }
}
