package io.pxkv.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = "Delete KEY.", footer = AdminCli.EXIT_CODES)
final class DelCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "Any Unicode, at most 1024 bytes.")
  String key;

  @Override
  void execute(RouterClient router) throws CliException {
    RouterClient.Reply reply = router.delete(UrlParts.keyPath(key));
    out().println(json() ? reply.body() : "deleted " + key);
  }
}
