package io.pxkv.launcher.cli;

import picocli.CommandLine.Option;

/** How listings (ls, match, query) page and print. */
final class PageOptions {
  static final int MAX_PAGE = 1000;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after N items (default: all of them).")
  Long limit;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Items asked for per request, 1..1000 (default 100).")
  int pageSize;

  @Option(
      names = {"-v", "--values"},
      description = "Print each value after its key, separated by a tab.")
  boolean values;

  void check() throws CliException {
    if (pageSize < 1 || pageSize > MAX_PAGE) {
      throw CliException.usage("--page-size must be 1.." + MAX_PAGE + " (was " + pageSize + ")");
    }
    if (limit != null && limit < 1) {
      throw CliException.usage("--limit must be at least 1 (was " + limit + ")");
    }
  }
}
