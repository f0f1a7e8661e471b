package io.pxkv.bench.baseline;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * How long the disk takes to make an append durable: appends {@code --bytes} (4 KiB) to a file in
 * {@code --dir} and calls {@link FileChannel#force(boolean) force(false)} (fdatasync), {@code
 * --count} times, timing each force. Run it in the folder the nodes keep their data in, so it
 * measures the very filesystem a node with {@code --fsync always} waits on.
 *
 * <p>{@code java -cp bench.jar io.pxkv.bench.baseline.FsyncLatency --dir D [--count 2000] [--bytes
 * 4096]}
 *
 * <p>Prints one line: {@code count=N bytes=B mean_ms=.. p50_ms=.. p99_ms=.. max_ms=..}. The file is
 * deleted afterwards. The harness calls {@link #measure} in its own process.
 */
public final class FsyncLatency {
  private FsyncLatency() {}

  /** The timings of {@code count} forces, in milliseconds. */
  public record Result(
      int count, int bytes, double meanMs, double p50Ms, double p99Ms, double maxMs) {
    public String line() {
      return String.format(
          Locale.ROOT,
          "count=%d bytes=%d mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
          count,
          bytes,
          meanMs,
          p50Ms,
          p99Ms,
          maxMs);
    }
  }

  public static void main(String[] argv) throws IOException {
    Flags flags =
        new Flags("FsyncLatency")
            .option("dir", null, "where the timed file goes")
            .option("count", "2000", "timed appends")
            .option("bytes", "4096", "bytes per append")
            .option("warmup", "50", "untimed appends first");
    Path dir;
    int count;
    int bytes;
    int warmup;
    try {
      if (!flags.parse(argv, System.getenv())) {
        System.out.print(flags.help());
        return;
      }
      dir = Path.of(flags.string("dir"));
      count = flags.integer("count", 1, Integer.MAX_VALUE);
      bytes = flags.integer("bytes", 1, Integer.MAX_VALUE);
      warmup = flags.integer("warmup", 0, Integer.MAX_VALUE);
    } catch (UsageException e) {
      System.err.println("FsyncLatency: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(measure(dir, count, bytes, warmup).line());
  }

  /** Appends and forces {@code warmup + count} times in a temp file in {@code dir}. */
  public static Result measure(Path dir, int count, int bytes, int warmup) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "fsync-latency-", ".dat");
    byte[] block = new byte[bytes];
    Arrays.fill(block, (byte) 'x');
    ByteBuffer buffer = ByteBuffer.wrap(block);
    long[] nanos = new long[count];
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int i = -warmup; i < count; i++) {
        buffer.clear();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        long t0 = System.nanoTime();
        channel.force(false);
        long took = System.nanoTime() - t0;
        if (i >= 0) {
          nanos[i] = took;
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Arrays.sort(nanos);
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return new Result(
        count,
        bytes,
        sum / count / 1e6,
        percentile(nanos, 0.50) / 1e6,
        percentile(nanos, 0.99) / 1e6,
        nanos[count - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
