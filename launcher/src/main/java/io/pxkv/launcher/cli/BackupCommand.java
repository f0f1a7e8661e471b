package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "backup",
    description = {
      "Write every pair of the cluster to FILE as JSON lines (GET /admin/export), with a progress"
          + " bar on a terminal. The file appears only once the whole export has arrived and is on"
          + " disk: a backup cut short (a node down, the router stopped) leaves no FILE and exits 3."
    },
    footer = AdminCli.EXIT_CODES)
final class BackupCommand extends AdminCommand {
  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "Where to write; '-' for standard output.")
  String file;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  private long keys;
  private long bytes;

  @Override
  void execute(RouterClient router) throws CliException {
    boolean toStdout = file.equals("-");
    Path target = toStdout ? null : Path.of(file);
    if (target != null && Files.exists(target) && !force) {
      throw CliException.usage(file + " exists; --force replaces it");
    }
    ProgressBar bar = progress("backup");
    if (bar.on()) bar.total(estimatedKeys(router));
    Path partial = target == null ? null : target.resolveSibling(target.getFileName() + ".partial");
    try (InputStream in = router.stream("/admin/export")) {
      if (target == null) {
        copy(router, in, out(), bar);
        out().flush();
      } else {
        try (FileChannel channel =
            FileChannel.open(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
          copy(router, in, Channels.newOutputStream(channel), bar);
          channel.force(true);
        }
        Files.move(
            partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw CliException.failure("cannot write " + file + ": " + e.getMessage());
    } finally {
      bar.finish();
      if (partial != null) {
        try {
          Files.deleteIfExists(partial);
        } catch (IOException ignored) {
          // what is left is named .partial, never taken for a backup
        }
      }
    }
    PrintStream report = toStdout ? err() : out();
    if (json()) {
      report.println(
          new JsonObject().put("file", file).put("keys", keys).put("bytes", bytes).encode());
    } else {
      report.println(
          "backed up "
              + ProgressBar.count(keys)
              + " keys ("
              + ProgressBar.bytes(bytes)
              + ") to "
              + (toStdout ? "standard output" : file));
    }
  }

  /**
   * Copies the export, counting its lines. Reading fails when the router cuts the stream; a stream
   * that ends inside a line is cut as well.
   */
  private void copy(RouterClient router, InputStream in, OutputStream to, ProgressBar bar)
      throws IOException, CliException {
    byte[] buffer = new byte[1 << 16];
    int last = '\n';
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw cutAfter(router.cut(e));
      }
      if (n < 0) break;
      for (int i = 0; i < n; i++) if (buffer[i] == '\n') keys++;
      bytes += n;
      last = buffer[n - 1];
      to.write(buffer, 0, n);
      bar.update(keys, ProgressBar.count(keys) + " keys  " + ProgressBar.bytes(bytes));
    }
    if (last != '\n') {
      throw cutAfter(CliException.failure("the export ended inside a line"));
    }
  }

  private CliException cutAfter(CliException e) {
    return CliException.failure(
        e.getMessage() + " after " + ProgressBar.count(keys) + " keys; no backup written");
  }

  /** The cluster's key count, for the bar's total: the sum over the nodes; -1 if unknown. */
  private static long estimatedKeys(RouterClient router) {
    try {
      JsonArray nodes = router.get("/admin/cluster").json().getJsonArray("nodes", new JsonArray());
      long total = 0;
      for (int i = 0; i < nodes.size(); i++) {
        total += nodes.getJsonObject(i).getLong("keys", 0L);
      }
      return total;
    } catch (CliException | RuntimeException unknown) {
      return -1;
    }
  }
}
