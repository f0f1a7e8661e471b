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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What value compression and encryption at rest cost a node: three nodes side by side holding the
 * same ~1 KB JSON documents, {@code plain} ({@code --compression none}), {@code deflate} (the
 * default) and {@code encrypted} ({@code --compression none --encryption-key-file}), all with the
 * cache off so every GET reads, decrypts or inflates its value; then PUT again on three such nodes
 * at the default {@code --fsync always}. Goals: deflate / plain and encrypted / plain >= 0.9x on
 * GET, and on PUT at the default durability; PUT at the run's node flags is reported beside them
 * (at {@code --fsync never} it shows the whole CPU cost of deflating each value).
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
        + " deflating (zlib level 1) or sealing each value.";
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
    var stats = bench.http().getJson(deflate.url() + "/admin/stats").getJsonObject("compression");
    bench.extra(
        "deflate node: stored / raw bytes of the values written (imports and PUTs)",
        String.format("%.3f", stats.getDouble("ratio")));
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
