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
 * cache off so every GET reads, decrypts or inflates its value. Goals: deflate / plain and
 * encrypted / plain >= 0.9x on GET and PUT.
 */
public final class NodeCodecScenario extends Scenario {
  public static final String NAME = "node_codec";
  static final String PUT_SCRIPT = "put-doc-kv.lua";
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
        + "`. Goals: deflate / plain and encrypted / plain >= 0.9x on GET and PUT (median of"
        + " the turns).";
  }

  @Override
  public List<Goal> goals(Settings s) {
    int n = param(s, ROUNDS);
    List<Goal> goals = new ArrayList<>();
    for (String party : List.of("deflate", "encrypted")) {
      for (String op : List.of("GET", "PUT")) {
        goals.add(
            Goal.ratio(
                "Node " + op + ", " + party + " / plain (side by side, median of " + n + " turns)",
                Ref.rps(NAME, medianLabel(op, party, n)),
                Ref.rps(NAME, medianLabel(op, "plain", n)),
                Target.ratioAtLeast(0.9)));
      }
    }
    return goals;
  }

  @Override
  public void run(Bench bench) throws Exception {
    Path keyFile = bench.temp().resolve("codec-keys");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.writeString(keyFile, "1:" + Base64.getEncoder().encodeToString(key) + "\n");
    Server plain = node(bench, "codec-plain", List.of("--compression", "none"));
    Server deflate = node(bench, "codec-deflate", List.of("--compression", "deflate"));
    Server encrypted =
        node(
            bench,
            "codec-encrypted",
            List.of("--compression", "none", "--encryption-key-file", keyFile.toString()));
    int keys = bench.load().keys();
    for (Server s : List.of(plain, deflate, encrypted)) {
      JsonDocuments.importDocuments(bench, s.url(), keys);
    }
    bench
        .sideBySide(bench.load())
        .party("plain", op -> call(plain, op))
        .party("deflate", op -> call(deflate, op))
        .party("encrypted", op -> call(encrypted, op))
        .measure(List.of("GET", "PUT"), bench.param(ROUNDS));
    var stats = bench.http().getJson(deflate.url() + "/admin/stats").getJsonObject("compression");
    bench.extra(
        "deflate node: stored / raw bytes of the values written (imports and PUTs)",
        String.format("%.3f", stats.getDouble("ratio")));
  }

  private static Server node(Bench bench, String name, List<String> codec) {
    List<String> flags = new ArrayList<>(bench.settings().nodeFlags());
    flags.addAll(codec);
    return bench.pxkv().node(name, "bench-node", 0, flags);
  }

  private static WrkCall call(Server node, String op) {
    return op.equals("PUT") ? new WrkCall(node.url(), PUT_SCRIPT) : node.get();
  }
}
