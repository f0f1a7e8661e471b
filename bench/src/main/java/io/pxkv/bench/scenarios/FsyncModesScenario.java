package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.baseline.FsyncLatency;
import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Load;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What durability costs: node PUT with {@code --fsync always}, {@code interval} and {@code never}
 * at 1, 16 and 64 connections, one node after the other; then {@code always} and {@code never} side
 * by side at 64 connections for the goal; and the disk's own fsync latency, the floor under an
 * {@code always} PUT at one connection.
 */
public final class FsyncModesScenario extends Scenario {
  public static final String NAME = "fsync_modes";
  static final Param<Integer> COUNT =
      Param.integer("count", 2000, 200, "appends + fsyncs timed by FsyncLatency");
  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of the side-by-side always / never runs");
  private static final List<String> MODES = List.of("always", "interval", "never");
  private static final int[][] SHAPES = {{1, 1}, {2, 16}, {2, 64}};

  public FsyncModesScenario() {
    super(NAME, "Storage node PUT by fsync mode");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(COUNT, ROUNDS);
  }

  @Override
  public String describe(Settings s) {
    return "One node per sync mode (`--fsync always`: group commit, fsync before the ack; `--fsync"
        + " interval`: fsync every 1000 ms; `--fsync never`), cache `"
        + s.cacheBytes()
        + "`, "
        + s.load().keys()
        + " keys preloaded, each measured with wrk PUT (random key, small JSON value) at `-t1 -c1`,"
        + " `-t2 -c16` and `-t2 -c64` after one warm-up at `-t2 -c64`; the nodes run one after the"
        + " other. Then the goal's pair is measured side by side: an `always` node and a `never`"
        + " node run at once, both preloaded and warmed up, and are measured in turns at `-t2"
        + " -c64`, "
        + param(s, ROUNDS)
        + " turns each; the goal compares the run with the median req/s of each mode (`turn N`"
        + " rows). Before them `FsyncLatency` appends 4 KiB and calls `FileChannel.force(false)` "
        + param(s, COUNT)
        + " times in the benchmark's temp dir, the filesystem the nodes keep their data on (named"
        + " below): the floor under an `always` PUT at one connection. Redis with `appendfsync"
        + " always` keeps about 0.67x of its no-fsync SET throughput on such a machine.";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    return List.of(
        Goal.ratio(
            "Node PUT fsync always / never, 64 connections (side by side, median of "
                + n
                + " turns)",
            Ref.rps(NAME, medianLabel("PUT", "always -c64", n)),
            Ref.rps(NAME, medianLabel("PUT", "never -c64", n)),
            Target.ratioAtLeast(0.8)),
        Goal.ratio(
            "Node PUT fsync always / never, 64 connections (one run each, minutes apart)",
            Ref.rps(NAME, "PUT always -c64"),
            Ref.rps(NAME, "PUT never -c64"),
            null),
        Goal.ratio(
            "Node PUT fsync interval / never, 64 connections",
            Ref.rps(NAME, "PUT interval -c64"),
            Ref.rps(NAME, "PUT never -c64"),
            null),
        Goal.ratio(
            "Node PUT fsync always / never, 1 connection",
            Ref.rps(NAME, "PUT always -c1"),
            Ref.rps(NAME, "PUT never -c1"),
            null));
  }

  @Override
  public void run(Bench bench) throws IOException {
    long cache = bench.settings().cacheBytes();
    Path dir = bench.temp().resolve("data").resolve("fsync-latency");
    int count = bench.param(COUNT);
    bench.log("disk fsync latency, " + count + " x (4 KiB append + force) in " + dir);
    FsyncLatency.Result f = FsyncLatency.measure(dir, count, 4096, 50);
    bench.extra(
        "disk fsync latency, 4 KiB append + `force(false)` x "
            + count
            + " ("
            + filesystem(bench.temp())
            + ", same filesystem as the node data)",
        String.format(
            Locale.ROOT,
            "mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms",
            f.meanMs(),
            f.p50Ms(),
            f.p99Ms(),
            f.maxMs()));

    Load c64 = bench.load().withConnections(2, 64);
    for (String mode : MODES) {
      Server node =
          bench.pxkv().node("fsync-" + mode, "bench-node", cache, List.of("--fsync", mode));
      bench.preload(node);
      bench.warmUp("PUT " + mode, node.put(), c64);
      for (int[] shape : SHAPES) {
        bench.measureRun(
            "PUT " + mode + " -c" + shape[1],
            node.put(),
            bench.load().withConnections(shape[0], shape[1]));
      }
      bench.stop(node.process());
    }

    Server always =
        bench.pxkv().node("fsync-side-always", "bench-node", cache, List.of("--fsync", "always"));
    Server never =
        bench.pxkv().node("fsync-side-never", "bench-node", cache, List.of("--fsync", "never"));
    bench.preload(always);
    bench.preload(never);
    bench
        .sideBySide(c64)
        .party("always -c64", always::call)
        .party("never -c64", never::call)
        .measure(List.of("PUT"), bench.param(ROUNDS));
  }

  /** {@code ext4 on /dev/vda}: the filesystem holding {@code dir}. */
  static String filesystem(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.type() + " on " + store.name();
    } catch (IOException e) {
      return "unknown filesystem";
    }
  }
}
