package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(
    name = "cluster",
    description = {
      "Show the cluster (GET /admin/cluster): its id and epoch, whether keys are moving, and each"
          + " node's state, keys, share of the ring and cache hit ratio."
    },
    footer = AdminCli.EXIT_CODES)
final class ClusterCommand extends AdminCommand {
  @Override
  void execute(RouterClient router) throws CliException {
    RouterClient.Reply reply = router.get("/admin/cluster");
    if (json()) {
      out().println(reply.body());
      return;
    }
    JsonObject status = reply.json();
    JsonArray nodes = status.getJsonArray("nodes", new JsonArray());
    out()
        .println(
            "cluster "
                + status.getString("clusterId", "(no view yet)")
                + ", epoch "
                + status.getValue("epoch", "-")
                + ", "
                + status.getInteger("up", 0)
                + " of "
                + nodes.size()
                + " nodes up, "
                + status.getValue("virtualNodes", "-")
                + " virtual nodes, "
                + (status.getBoolean("rebalancing", false) ? "keys moving" : "settled"));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NODE", "STATE", "KEYS", "SHARE", "CACHE HITS", "URL"});
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject n = nodes.getJsonObject(i);
      boolean up = "up".equals(n.getString("state"));
      String state =
          n.getString("state", "?") + (n.getBoolean("draining", false) ? ",draining" : "");
      String url = n.getString("url", "");
      String error = n.getString("lastError");
      rows.add(
          new String[] {
            n.getString("id", "?"),
            state,
            up && n.getValue("keys") instanceof Number k ? ProgressBar.count(k.longValue()) : "-",
            percent(n.getValue("share")),
            up ? percent(n.getValue("cacheHitRatio")) : "-",
            error == null || up ? url : url + " (" + error + ")"
          });
    }
    Table.print(out(), rows);
    if (status.getString("problem") != null)
      out().println("problem: " + status.getString("problem"));
    if (status.getString("configError") != null) {
      out().println("cluster file refused: " + status.getString("configError"));
    }
  }

  static String percent(Object fraction) {
    return fraction instanceof Number n
        ? String.format(Locale.ROOT, "%.1f%%", n.doubleValue() * 100)
        : "-";
  }
}
