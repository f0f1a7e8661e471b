package io.pxkv.launcher.cli;

import picocli.CommandLine.Option;

/** The options every admin command takes. */
final class ClientOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The router, http://host[:port]; env PXKV_URL, default " + AdminCli.DEFAULT_URL + ".")
  String url;

  @Option(
      names = "--json",
      description = "JSON for scripts: the router's answers as they are, one per line.")
  boolean json;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;
}
