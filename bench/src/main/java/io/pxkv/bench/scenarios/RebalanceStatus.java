package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import io.pxkv.bench.harness.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The router's {@code GET /admin/rebalance}, as the rebalance scenario watches it: the phase, when
 * the router has taken a new cluster file as its target, when the move is done, and a sampler that
 * keeps one answer per half second. The one class to change when the move's status changes shape.
 */
final class RebalanceStatus {
  private final Http http;
  private final String url;

  RebalanceStatus(Http http, String routerUrl) {
    this.http = http;
    this.url = routerUrl + "/admin/rebalance";
  }

  /** The phase now ({@code idle}, {@code moving}, {@code done}, ...), {@code ?} if no answer. */
  String phase() {
    try {
      return http.getJson(url).getString("phase", "?");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /**
   * Waits until the router has the new layout of {@code nodes} nodes as its target and is moving
   * (or already done); before that a {@code done} is the old layout's. Returns the phase, or throws
   * after {@code seconds}.
   */
  String awaitStarted(int nodes, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    String phase = "not yet";
    while (System.nanoTime() < deadline) {
      JsonObject s = tryStatus();
      if (s != null && targetNodes(s) == nodes) {
        phase = s.getString("phase", "?");
        if (phase.equals("moving") || phase.equals("done")) {
          return phase;
        }
      }
      Bench.pause(100);
    }
    throw new io.pxkv.bench.harness.BenchException(
        "the router did not start moving keys within " + seconds + " s (phase " + phase + ")");
  }

  /** Polls every 0.2 s until {@code done} or {@code seconds} pass; returns the last phase. */
  String awaitDone(int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    String phase = phase();
    while (!phase.equals("done") && System.nanoTime() < deadline) {
      Bench.pause(200);
      phase = phase();
    }
    return phase;
  }

  static int targetNodes(JsonObject status) {
    JsonObject target = status.getJsonObject("target");
    JsonArray nodes = target == null ? null : target.getJsonArray("nodes");
    return nodes == null ? 0 : nodes.size();
  }

  private JsonObject tryStatus() {
    try {
      return http.getJson(url);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Writes {@code {"t_ms":..,"status":..}} every 0.5 s to {@code file} until closed. */
  Sampler sample(Path file, long startNanos) {
    return new Sampler(file, startNanos);
  }

  final class Sampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    private Sampler(Path file, long startNanos) {
      thread =
          new Thread(
              () -> {
                try (Writer out = Files.newBufferedWriter(file)) {
                  while (!stop) {
                    JsonObject s = tryStatus();
                    out.write(
                        new JsonObject()
                                .put("t_ms", (System.nanoTime() - startNanos) / 1_000_000)
                                .put("status", s)
                                .encode()
                            + "\n");
                    out.flush();
                    Thread.sleep(500);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "rebalance-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join(5_000);
    }
  }
}
