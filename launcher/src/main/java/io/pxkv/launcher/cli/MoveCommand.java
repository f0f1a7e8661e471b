package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "move",
    description = {
      "Show whether keys are moving between nodes (GET /admin/rebalance): the phase (done when the"
          + " cluster is settled), the plan and the progress. --watch polls until the phase is"
          + " done, with a progress bar on a terminal (with --json: one answer per line)."
    },
    footer = AdminCli.EXIT_CODES)
final class MoveCommand extends AdminCommand {
  @Option(names = "--watch", description = "Poll until the phase is done.")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description = "Seconds between polls with --watch (default 1).")
  double interval;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Give up (exit 3) when still moving after SECONDS; 0 waits for ever (default).")
  double timeout;

  @Override
  void execute(RouterClient router) throws CliException {
    if (!(interval >= 0.01)) throw CliException.usage("--interval must be at least 0.01 s");
    if (!(timeout >= 0)) throw CliException.usage("--timeout must be 0 or more seconds");
    if (!watch) {
      RouterClient.Reply reply = router.get("/admin/rebalance");
      if (json()) {
        out().println(reply.body());
      } else {
        summary(reply.json());
      }
      return;
    }
    ProgressBar bar = progress("moving");
    long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
    String lastPhase = null;
    while (true) {
      RouterClient.Reply reply = router.get("/admin/rebalance");
      JsonObject status = reply.json();
      String phase = status.getString("phase", "?");
      if (json()) {
        out().println(reply.body());
        out().flush();
      } else if (bar.on()) {
        JsonObject p = status.getJsonObject("progress", new JsonObject());
        bar.total(p.getLong("keysToScan", -1L));
        bar.update(p.getLong("keysScanned", 0L), phase + "  " + progressLine(p));
      } else if (!phase.equals(lastPhase)) {
        out().println("phase: " + phase);
        out().flush();
      }
      lastPhase = phase;
      if (phase.equals("done")) break;
      if (System.nanoTime() > deadline) {
        bar.finish();
        throw CliException.failure("still " + phase + " after " + seconds(timeout) + " s");
      }
      sleep();
    }
    bar.finish();
    if (!json()) summary(router.get("/admin/rebalance").json());
  }

  private void sleep() throws CliException {
    try {
      Thread.sleep((long) (interval * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure("interrupted");
    }
  }

  private void summary(JsonObject s) {
    out()
        .println(
            "phase: "
                + s.getString("phase", "?")
                + (s.getValue("epoch") == null ? "" : " (epoch " + s.getValue("epoch") + ")"));
    JsonArray plan = s.getJsonArray("plan");
    if (plan != null) {
      for (int i = 0; i < plan.size(); i++) {
        JsonObject m = plan.getJsonObject(i);
        out()
            .println(
                "plan: "
                    + m.getString("from")
                    + " -> "
                    + m.getString("to")
                    + ": "
                    + m.getValue("ranges")
                    + " ranges, "
                    + ClusterCommand.percent(m.getValue("share"))
                    + " of the ring");
      }
    }
    JsonObject progress = s.getJsonObject("progress");
    if (progress != null && !"done".equals(s.getString("phase"))) {
      out().println("progress: " + progressLine(progress));
    }
    if (s.getString("problem") != null) out().println("problem: " + s.getString("problem"));
    if (s.getString("configError") != null) {
      out().println("cluster file refused: " + s.getString("configError"));
    }
  }

  /** {@code 6,210 of ~12,500 keys moved, 2,000 keys/s, eta 3 s}. */
  static String progressLine(JsonObject p) {
    long eta = p.getLong("etaSeconds", -1L);
    String error = p.getString("lastError");
    return ProgressBar.count(p.getLong("keysMoved", 0L))
        + " of ~"
        + ProgressBar.count(p.getLong("keysToMoveEstimate", 0L))
        + " keys moved, "
        + ProgressBar.count(p.getLong("keysPerSecond", 0L))
        + " keys/s"
        + (eta < 0 ? "" : ", eta " + eta + " s")
        + (error == null ? "" : ", last error: " + error);
  }

  private static String seconds(double s) {
    return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.2f", s);
  }
}
