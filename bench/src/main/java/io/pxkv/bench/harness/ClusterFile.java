package io.pxkv.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a router's cluster file: nodes {@code node-1 .. node-N} at the given servers, 128 virtual
 * nodes each. The file is written beside its place and moved over it, so a router watching it never
 * reads half a file.
 */
public final class ClusterFile {
  public static final int VIRTUAL_NODES = 128;

  private ClusterFile() {}

  /** The id the {@code i}-th node (from 1) has in the cluster file; nodes are started with it. */
  public static String nodeId(int i) {
    return "node-" + i;
  }

  public static String json(List<Server> nodes) {
    StringBuilder out =
        new StringBuilder("{\n  \"virtualNodes\": " + VIRTUAL_NODES + ",\n  \"nodes\": [\n");
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
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, json(nodes));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
