package io.pxkv.bench.scenarios;

import static io.pxkv.bench.harness.SideBySide.medianLabel;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.pxkv.bench.harness.Tool;
import io.pxkv.bench.harness.WrkCall;
import io.pxkv.bench.report.Goal;
import io.pxkv.bench.report.Ref;
import io.pxkv.bench.report.Target;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What value compression and encryption at rest cost a node: three nodes side by side holding the
 * same ~1 KB JSON documents, {@code plain} ({@code --compression none}), {@code deflate} (the
 * default) and {@code encrypted} ({@code --compression none --encryption-key-file}), all with the
 * cache off so every GET reads, decrypts or inflates its value (the imports are compacted first,
 * which deflates them); then PUT again on three such nodes at the default {@code --fsync always}.
 * Goals: deflate / plain and encrypted / plain >= 0.9x on GET, and on PUT at the default
 * durability; PUT at the run's node flags is reported beside them. PUTs write values as given and
 * compaction deflates them in the background, so the deflate node's cost moves there: the report
 * gives what its compactor deflated during the PUT turns, at what rate, and how long deflating what
 * was left took afterwards (its {@code POST /admin/compact} against the plain node's).
 */
public final class NodeCodecScenario extends Scenario {
  public static final String NAME = "node_codec";
  static final String PUT_SCRIPT = "put-doc-kv.lua";

  /** Suffix of the parties that run with the node's default durability. */
  static final String ALWAYS = ", fsync always";

  static final Param<Integer> ROUNDS =
      Param.integer("rounds", 3, 2, "turns of GET, then of PUT, for each node");

  public NodeCodecScenario() {
    super(NAME, "Node GET/PUT with values deflated, encrypted, and as given, side by side");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(Tool.WRK, PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(ROUNDS);
  }

  @Override
  public String describe(Settings s) {
    int rounds = param(s, ROUNDS);
    return "Three nodes (`--cache-bytes 0`, so every GET reads its value from its segment, and "
        + String.join(" ", s.nodeFlags())
        + "): `plain` with `--compression none`, `deflate` with the default `--compression"
        + " deflate` (values of 256 bytes and more), `encrypted` with `--compression none"
        + " --encryption-key-file` (AES-256-GCM). Each holds "
        + s.load().keys()
        + " keys of ~1 KB JSON documents (an order with 8 line items, imported), GET reads them"
        + " and PUT writes such documents (`bench/wrk/"
        + PUT_SCRIPT
        + "`). Measured in turns (plain, deflate, encrypted), "
        + rounds
        + " turns of GET, then "
        + rounds
        + " of PUT, at `"
        + s.load().flags()
        + "`. Then three fresh nodes like them but with the default `--fsync always` (each PUT"
        + " answered after its group fsync), "
        + rounds
        + " turns of PUT. Goals: deflate / plain and encrypted / plain >= 0.9x on GET and on PUT"
        + " at the default durability (median of the turns); PUT at `"
        + String.join(" ", s.nodeFlags())
        + "` is reported beside them: with no fsync to wait for, it shows the whole CPU cost of"
        + " sealing each value. The imports are compacted (`POST /admin/compact`) before GET, so"
        + " the deflate node's values are deflated. PUT writes values as given on every node; the"
        + " deflate node's compactor deflates them in the background (zlib level 1), so its cost"
        + " is reported apart: what the compactor of the `fsync always` deflate node deflated"
        + " during the PUT turns and in how much of its thread's time, the raw bytes left"
        + " waiting, and `POST /admin/compact` on it afterwards against the plain node's (the"
        + " difference is the time to deflate the PUT turns' data).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    List<Goal> goals = new ArrayList<>();
    for (String party : List.of("deflate", "encrypted")) {
      goals.add(
          Goal.ratio(
              "Node GET, " + party + " / plain (side by side, median of " + n + " turns)",
              Ref.rps(NAME, medianLabel("GET", party, n)),
              Ref.rps(NAME, medianLabel("GET", "plain", n)),
              Target.ratioAtLeast(0.9)));
      goals.add(
          Goal.ratio(
              "Node PUT at the default `--fsync always`, "
                  + party
                  + " / plain (side by side, median of "
                  + n
                  + " turns)",
              Ref.rps(NAME, medianLabel("PUT", party + ALWAYS, n)),
              Ref.rps(NAME, medianLabel("PUT", "plain" + ALWAYS, n)),
              Target.ratioAtLeast(0.9)));
    }
    return goals;
  }

  @Override
  public void run(Bench bench) throws Exception {
    Path keyFile = bench.temp().resolve("codec-keys");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.writeString(keyFile, "1:" + Base64.getEncoder().encodeToString(key) + "\n");
    List<String> runFlags = bench.settings().nodeFlags();
    List<String> always = List.of("--fsync", "always");
    List<String> none = List.of("--compression", "none");
    List<String> deflated = List.of("--compression", "deflate");
    List<String> sealed =
        List.of("--compression", "none", "--encryption-key-file", keyFile.toString());
    Server plain = node(bench, "codec-plain", runFlags, none);
    Server deflate = node(bench, "codec-deflate", runFlags, deflated);
    Server encrypted = node(bench, "codec-encrypted", runFlags, sealed);
    int keys = bench.load().keys();
    for (Server s : List.of(plain, deflate, encrypted)) {
      JsonDocuments.importDocuments(bench, s.url(), keys);
      // Imports are written as given: compacting deflates them, so the GETs inflate.
      compact(bench, s);
    }
    int rounds = bench.param(ROUNDS);
    bench
        .sideBySide(bench.load())
        .party("plain", op -> call(plain, op))
        .party("deflate", op -> call(deflate, op))
        .party("encrypted", op -> call(encrypted, op))
        .measure(List.of("GET", "PUT"), rounds);
    // PUT again at the default durability, where each PUT waits for its (group) fsync.
    Server plainAlways = node(bench, "codec-plain-always", always, none);
    Server deflateAlways = node(bench, "codec-deflate-always", always, deflated);
    Server encryptedAlways = node(bench, "codec-encrypted-always", always, sealed);
    bench
        .sideBySide(bench.load())
        .party("plain" + ALWAYS, op -> call(plainAlways, op))
        .party("deflate" + ALWAYS, op -> call(deflateAlways, op))
        .party("encrypted" + ALWAYS, op -> call(encryptedAlways, op))
        .measure(List.of("PUT"), rounds);
    var stats = compression(bench, deflate);
    bench.extra(
        "deflate node: stored / raw bytes of the values its compactions deflated",
        String.format("%.3f", stats.getDouble("ratio")));
    backgroundCost(bench, deflateAlways, plainAlways);
  }

  /**
   * The deflate work PUT left to the compactor of {@code deflate}: what it did during the turns,
   * what was left, and how long a compaction of everything took afterwards against {@code plain}'s
   * (the same data copied without deflating).
   */
  static void backgroundCost(Bench bench, Server deflate, Server plain) {
    JsonObject during = compression(bench, deflate);
    long left = during.getLong("pendingRawBytes");
    bench.extra(
        "deflate node, fsync always: deflated by its compactor during the PUT turns",
        String.format(
            "%.1f MB of %d values in %d ms of deflate",
            during.getLong("rawBytes") / 1e6,
            during.getLong("valuesTried"),
            during.getLong("deflateMillis")));
    bench.extra(
        "deflate node, fsync always: raw value bytes left waiting after the PUT turns",
        String.format("%.1f MB", left / 1e6));
    long plainMillis = compact(bench, plain);
    long deflateMillis = compact(bench, deflate);
    JsonObject after = compression(bench, deflate);
    bench.extra(
        "`POST /admin/compact` afterwards, deflate node / plain node (fsync always)",
        String.format(
            "%d ms / %d ms (%.1f MB deflated in it)",
            deflateMillis,
            plainMillis,
            (after.getLong("rawBytes") - during.getLong("rawBytes")) / 1e6));
    long ms = after.getLong("deflateMillis");
    bench.extra(
        "compactor deflate rate (zlib level 1, its one thread)",
        ms == 0
            ? "nothing deflated"
            : String.format("%.0f MB/s of raw values", after.getLong("rawBytes") / 1e3 / ms));
    if (ms > 0)
      bench.metric("compactor_deflate_mb_per_s", after.getLong("rawBytes") / 1e3 / ms, "MB/s");
  }

  /** {@code POST /admin/compact} on {@code node}; how long it took, in ms. */
  static long compact(Bench bench, Server node) {
    long start = System.nanoTime();
    bench.http().postJson(node.url() + "/admin/compact", new byte[0], null, Duration.ofMinutes(10));
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static JsonObject compression(Bench bench, Server node) {
    return bench.http().getJson(node.url() + "/admin/stats").getJsonObject("compression");
  }

  private static Server node(
      Bench bench, String name, List<String> durability, List<String> codec) {
    List<String> flags = new ArrayList<>(durability);
    flags.addAll(codec);
    return bench.pxkv().node(name, "bench-node", 0, flags);
  }

  private static WrkCall call(Server node, String op) {
    return op.equals("PUT") ? new WrkCall(node.url(), PUT_SCRIPT) : node.get();
  }
}
