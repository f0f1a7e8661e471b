package io.pxkv.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    description = "Print the value of KEY (JSON, exactly as stored).",
    footer = AdminCli.EXIT_CODES)
final class GetCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "Any Unicode, at most 1024 bytes.")
  String key;

  @Override
  void execute(RouterClient router) throws CliException {
    RouterClient.Reply reply = router.get(UrlParts.keyPath(key));
    out().println(json() ? reply.body() : RawJson.member(reply.body(), "value"));
  }
}
