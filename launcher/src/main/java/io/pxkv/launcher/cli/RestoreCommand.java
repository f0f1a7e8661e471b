package io.pxkv.launcher.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "restore",
    description = {
      "Send the JSON lines of FILE (a backup) to the cluster (POST /admin/import), with a progress"
          + " bar on a terminal. Lines with a version keep it and never undo a later write or"
          + " delete; importing the same file again is harmless. A bad line stops the restore"
          + " (exit 2), naming it; the lines before it were stored."
    },
    footer = AdminCli.EXIT_CODES)
final class RestoreCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "The backup; '-' for standard input.")
  String file;

  @Override
  void execute(RouterClient router) throws CliException {
    ProgressBar bar = progress("restore");
    BodyPublisher body;
    long size = -1;
    if (file.equals("-")) {
      body = BodyPublishers.ofInputStream(() -> new Counting(root.io.in(), bar, -1));
    } else {
      Path path = Path.of(file);
      try {
        size = Files.size(path);
      } catch (NoSuchFileException e) {
        throw CliException.usage(file + " does not exist");
      } catch (IOException e) {
        throw CliException.failure("cannot read " + file + ": " + e.getMessage());
      }
      long total = size;
      bar.total(total);
      body =
          BodyPublishers.fromPublisher(
              BodyPublishers.ofInputStream(
                  () -> {
                    try {
                      return new Counting(Files.newInputStream(path), bar, total);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }),
              size);
    }
    RouterClient.Reply reply;
    try {
      reply = router.send("POST", "/admin/import", "application/x-ndjson", body);
    } finally {
      bar.finish();
    }
    if (json()) {
      out().println(reply.body());
    } else {
      Object imported = reply.json().getValue("imported");
      out()
          .println(
              "restored "
                  + imported
                  + " keys from "
                  + (file.equals("-") ? "standard input" : file));
    }
  }

  /** The body as it is read by the HTTP client, the bar following it. */
  private static final class Counting extends FilterInputStream {
    private final ProgressBar bar;
    private final long total;
    private long read;

    Counting(InputStream in, ProgressBar bar, long total) {
      super(in);
      this.bar = bar;
      this.total = total;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        read += n;
        bar.update(
            read, ProgressBar.bytes(read) + (total < 0 ? "" : " of " + ProgressBar.bytes(total)));
      }
      return n;
    }
  }
}
