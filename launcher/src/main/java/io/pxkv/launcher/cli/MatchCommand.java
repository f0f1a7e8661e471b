package io.pxkv.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "match",
    description = {
      "List keys matching GLOB, in key order, like Redis SCAN MATCH: * any run of characters,"
          + " ? one character, [abc] [a-z] [^a-z] one of a set, \\ takes the next character"
          + " literally. Quote it for the shell: px-kvstore match 'user:*'."
    },
    footer = AdminCli.EXIT_CODES)
final class MatchCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "GLOB", description = "The pattern.")
  String glob;

  @Mixin RangeOptions range;

  @Mixin PageOptions pages;

  @Override
  void execute(RouterClient router) throws CliException {
    Pages.print(
        router, "/kv", "match=" + UrlParts.query(glob) + range.query(), pages, json(), out());
  }
}
