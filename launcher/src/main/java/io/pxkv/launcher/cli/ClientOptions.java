package io.pxkv.launcher.cli;

import picocli.CommandLine.Option;

/** The options every admin command takes. */
final class ClientOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The router, http://host[:port] or https://host[:port]; env PXKV_URL, default "
              + AdminCli.DEFAULT_URL
              + ".")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Sent as Authorization: Bearer TOKEN, for a router with tokens; env "
              + AdminCli.TOKEN_VARIABLE
              + " (better: a command line is visible to other users).")
  String token;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description =
          "CA certificates (PEM) an https:// router's certificate must chain to (default: the"
              + " Java runtime's); env "
              + AdminCli.CACERT_VARIABLE
              + ".")
  String cacert;

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
