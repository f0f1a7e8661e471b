package io.pxkv.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a router's cluster file: nodes {@code node-1 .. node-N} at the given servers, 128 virtual
 * nodes each, and the replication settings when a scenario names them. The file is written beside
 * its place and moved over it, so a router watching it never reads half a file.
 */
public final class ClusterFile {
  public static final int VIRTUAL_NODES = 128;

  private ClusterFile() {}

  /** The id the {@code i}-th node (from 1) has in the cluster file; nodes are started with it. */
  public static String nodeId(int i) {
    return "node-" + i;
  }

  /**
   * A cluster file's {@code replicas}, {@code writeQuorum} and {@code readQuorum}: copies of each
   * key and how many of them a write and a read wait for.
   */
  public record Replicas(int replicas, int writeQuorum, int readQuorum) {
    /** What the description shows: {@code N=3, W=2, R=2}. */
    public String describe() {
      return "N=" + replicas + ", W=" + writeQuorum + ", R=" + readQuorum;
    }
  }

  public static String json(List<Server> nodes) {
    return json(nodes, null);
  }

  /**
   * The file for {@code nodes} with {@code replicas}; null: one copy of each key (written out: a
   * file that says nothing keeps three), what every scenario but replication measures.
   */
  public static String json(List<Server> nodes, Replicas replicas) {
    StringBuilder out = new StringBuilder("{\n  \"virtualNodes\": " + VIRTUAL_NODES + ",\n");
    if (replicas == null) {
      out.append("  \"replicas\": 1,\n");
    } else {
      out.append("  \"replicas\": ")
          .append(replicas.replicas())
          .append(", \"writeQuorum\": ")
          .append(replicas.writeQuorum())
          .append(", \"readQuorum\": ")
          .append(replicas.readQuorum())
          .append(",\n");
    }
    out.append("  \"nodes\": [\n");
    for (int i = 0; i < nodes.size(); i++) {
      out.append("    {\"id\": \"")
          .append(nodeId(i + 1))
          .append("\", \"url\": \"")
          .append(nodes.get(i).url())
          .append("\"}")
          .append(i + 1 < nodes.size() ? ",\n" : "\n");
    }
    return out.append("  ]\n}\n").toString();
  }

  /** Writes {@code nodes} to {@code file}, atomically. */
  public static void write(Path file, List<Server> nodes) {
    write(file, nodes, null);
  }

  /** Writes {@code nodes} and {@code replicas} (null: one copy) to {@code file}, atomically. */
  public static void write(Path file, List<Server> nodes, Replicas replicas) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, json(nodes, replicas));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
