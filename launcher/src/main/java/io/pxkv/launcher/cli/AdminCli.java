package io.pxkv.launcher.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The admin commands of {@code bin/px-kvstore} ({@code get}, {@code put}, {@code ls}, {@code
 * backup}, ...): clients of a running router, on picocli. {@link #run} returns an {@link ExitCode};
 * a bad flag or argument prints one line naming it and returns {@link ExitCode#USAGE}, a failure
 * one line and its code.
 */
@Command(
    name = "px-kvstore",
    subcommands = {
      GetCommand.class,
      PutCommand.class,
      DelCommand.class,
      LsCommand.class,
      MatchCommand.class,
      QueryCommand.class,
      ClusterCommand.class,
      MoveCommand.class,
      BackupCommand.class,
      RestoreCommand.class
    })
public final class AdminCli {
  /** The names {@link io.pxkv.launcher.Main} sends here. */
  public static final List<String> COMMANDS =
      List.of("get", "put", "del", "ls", "match", "query", "cluster", "move", "backup", "restore");

  public static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final String URL_VARIABLE = "PXKV_URL";
  static final String TOKEN_VARIABLE = "PXKV_TOKEN";
  static final String CACERT_VARIABLE = "PXKV_CACERT";

  static final String EXIT_CODES =
      "%nExit codes: 0 done, 1 not found, 2 bad flags or input (also when the router refuses it"
          + " as bad, or refuses the token), 3 the router cannot be reached, timed out or failed.";

  final CliIo io;

  AdminCli(CliIo io) {
    this.io = io;
  }

  /** Runs {@code args} (the command's name first) and returns the exit code. */
  public static int run(String[] args, CliIo io) {
    CommandLine cli = new CommandLine(new AdminCli(io));
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setDefaultValueProvider(
        arg -> {
          if (!(arg instanceof OptionSpec option)) return null;
          return switch (option.longestName()) {
            case "--url" -> io.env().getOrDefault(URL_VARIABLE, DEFAULT_URL);
            case "--token" -> io.env().get(TOKEN_VARIABLE);
            case "--cacert" -> io.env().get(CACERT_VARIABLE);
            default -> null;
          };
        });
    cli.setParameterExceptionHandler(
        (e, given) -> {
          String command = e.getCommandLine().getCommandName();
          io.err()
              .println(
                  "px-kvstore "
                      + command
                      + ": "
                      + e.getMessage()
                      + " (see px-kvstore "
                      + command
                      + " --help)");
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          String name = command.getCommandName();
          if (e instanceof CliException failure) {
            boolean json = command.getCommand() instanceof AdminCommand c && c.client.json;
            if (json && failure.errorBody() != null) io.out().println(failure.errorBody());
            io.err().println("px-kvstore " + name + ": " + failure.getMessage());
            return failure.exitCode();
          }
          io.err().println("px-kvstore " + name + ": " + e);
          return ExitCode.FAILURE;
        });
    try {
      return cli.execute(args);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }
}
