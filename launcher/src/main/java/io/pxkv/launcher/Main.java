package io.pxkv.launcher;

import io.pxkv.common.cli.Logging;
import io.pxkv.launcher.cli.AdminCli;
import io.pxkv.launcher.cli.CliIo;
import io.pxkv.node.NodeMain;
import io.pxkv.router.RouterMain;
import java.util.Arrays;

/**
 * {@code bin/px-kvstore}: dispatches to the {@code node}, {@code router} and {@code local}
 * sub-commands.
 */
public final class Main {
  private static final String USAGE =
      """
      Usage: px-kvstore <command> [flags]

      Servers:
        local    a router on :8080 in front of 3 nodes on :9001-9003, data in ./data, in one process
        node     one storage node
        router   the router, in front of the nodes named in a cluster file

      Clients of a router (--url, env PXKV_URL, default http://127.0.0.1:8080; --token, env
      PXKV_TOKEN; --cacert FILE for https; --json for scripts):
        get KEY              print a key's value
        put KEY VALUE        store a JSON value (--string: VALUE as text)
        del KEY              delete a key
        ls [PREFIX]          list keys (--values with their values)
        match GLOB           list keys matching a glob, like Redis SCAN MATCH
        query INDEX ...      pairs by a secondary index (needs a router with indexes)
        cluster              the nodes, their state, keys and shares
        move [--watch]       whether keys are moving between nodes, and how far along
        backup FILE          every pair to a file of JSON lines
        restore FILE         a backup back into the cluster

      Run 'px-kvstore <command> --help' for a command's flags (and the servers' PXKV_* variables).
      Exit codes of the clients: 0 done, 1 not found, 2 bad flags or input, 3 router unreachable
      or failing.
      """;

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      System.out.print(USAGE);
      if (args.length == 0) System.exit(2);
      return;
    }
    // Netty's buffer allocator registers Java Flight Recorder events by default, which starts JFR's
    // metadata machinery: about a tenth of a second of every start, for events nobody records
    // unless profiling. -Dio.netty.jfr.enabled=true on the command line turns them back on.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // java.util.logging (what our System.Logger and Vert.x log through) prints each record on two
    // lines by default: one line per event instead, so that each is one line in docker logs and
    // log collectors.
    Logging.oneLinePerEvent();
    if (AdminCli.COMMANDS.contains(args[0])) {
      // A client exits with its code, 0 included, once its output is written.
      System.exit(AdminCli.run(args, CliIo.system()));
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int code =
        switch (args[0]) {
          case "node" -> NodeMain.run(rest);
          case "router" -> RouterMain.run(rest);
          case "local" -> LocalCluster.run(rest);
          default -> {
            System.err.println(
                "px-kvstore: unknown command '"
                    + args[0]
                    + "' (expected local, node, router or "
                    + String.join(", ", AdminCli.COMMANDS)
                    + ")");
            yield 2;
          }
        };
    if (code != 0) System.exit(code);
  }
}
