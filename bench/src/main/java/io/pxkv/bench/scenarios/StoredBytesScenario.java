package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Param;
import io.pxkv.bench.harness.PxkvJar;
import io.pxkv.bench.harness.Requirement;
import io.pxkv.bench.harness.Scenario;
import io.pxkv.bench.harness.Server;
import io.pxkv.bench.harness.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How much disk JSON documents take deflated: the same documents imported into a node with {@code
 * --compression none} and one with {@code deflate} (both written as given), both compacted (which
 * deflates them on the second); the report gives the segment bytes of each, the stored / raw ratio
 * of the values, and what the deflating cost the compaction. No goal: a measurement.
 */
public final class StoredBytesScenario extends Scenario {
  public static final String NAME = "stored_bytes";
  static final Param<Integer> KEYS = Param.integer("keys", 100_000, 5_000, "documents imported");

  public StoredBytesScenario() {
    super(NAME, "Disk bytes of JSON documents, deflated and as given");
  }

  @Override
  public List<Requirement> requirements() {
    return List.of(PxkvJar.INSTANCE);
  }

  @Override
  public List<Param<?>> params() {
    return List.of(KEYS);
  }

  @Override
  public String describe(Settings s) {
    return "Two nodes (`--fsync never --no-auto-compact`), `--compression none` and `--compression"
        + " deflate`, each given the same "
        + param(s, KEYS)
        + " JSON documents of ~1 KB (an order with 8 line items) through `POST /admin/import`,"
        + " (written as given), then `POST /admin/compact`, which deflates them on the deflate"
        + " node. Reported: raw value bytes, each node's `diskBytes` (segments: keys, headers and"
        + " values), deflate's / none's disk bytes, the values' stored / raw ratio from"
        + " `/admin/stats`, and each compaction's time with the deflate node's time spent in"
        + " deflate (its rate in MB/s of raw values). Needs no wrk.";
  }

  @Override
  public void run(Bench bench) {
    int keys = bench.param(KEYS);
    long[] disk = new long[2];
    long[] compactMillis = new long[2];
    long deflateMillis = 0;
    long raw = 0;
    double ratio = 1;
    List<String> codecs = List.of("none", "deflate");
    for (int i = 0; i < 2; i++) {
      Server node =
          bench
              .pxkv()
              .node(
                  "stored-" + codecs.get(i),
                  "bench-node",
                  0,
                  List.of("--fsync", "never", "--no-auto-compact", "--compression", codecs.get(i)));
      raw = JsonDocuments.importDocuments(bench, node.url(), keys);
      compactMillis[i] = NodeCodecScenario.compact(bench, node);
      JsonObject stats = bench.http().getJson(node.url() + "/admin/stats");
      disk[i] = stats.getLong("diskBytes");
      if (i == 1) {
        ratio = stats.getJsonObject("compression").getDouble("ratio");
        deflateMillis = stats.getJsonObject("compression").getLong("deflateMillis");
      }
      bench.stop(node.process());
    }
    bench.extra("documents", keys + ", " + raw + " raw value bytes (" + raw / keys + " per value)");
    bench.extra("disk bytes, --compression none", disk[0] + " bytes");
    bench.extra("disk bytes, --compression deflate", disk[1] + " bytes");
    bench.extra("disk bytes deflate / none", String.format("%.3f", (double) disk[1] / disk[0]));
    bench.extra("values stored / raw (deflate node)", String.format("%.3f", ratio));
    bench.metric("stored_over_raw", ratio, "ratio");
    bench.extra(
        "`POST /admin/compact` of the imports, deflate / none",
        String.format(
            "%d ms / %d ms, %d ms of it deflating (%.0f MB/s of raw values)",
            compactMillis[1],
            compactMillis[0],
            deflateMillis,
            deflateMillis == 0 ? 0 : raw / 1e3 / deflateMillis));
  }
}
