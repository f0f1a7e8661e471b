package io.pxkv.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "ls",
    description = {
      "List keys, in UTF-8 key order, one per line: every key, or those starting with PREFIX."
          + " Pages through GET /kv?prefix=&limit=&cursor= until the last page."
    },
    footer = AdminCli.EXIT_CODES)
final class LsCommand extends AdminCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", description = "Key prefix.")
  String prefix = "";

  @Mixin RangeOptions range;

  @Mixin PageOptions pages;

  @Override
  void execute(RouterClient router) throws CliException {
    Pages.print(
        router, "/kv", "prefix=" + UrlParts.query(prefix) + range.query(), pages, json(), out());
  }
}
