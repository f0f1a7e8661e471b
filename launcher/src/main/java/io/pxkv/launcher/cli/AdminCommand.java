package io.pxkv.launcher.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** What every admin command shares: the client options, the streams, and its exit code. */
abstract class AdminCommand implements Callable<Integer> {
  @ParentCommand AdminCli root;

  @Mixin ClientOptions client;

  /** Does the command's work against the router; a failure is thrown. */
  abstract void execute(RouterClient router) throws CliException;

  @Override
  public final Integer call() throws CliException {
    execute(RouterClient.of(client.url, client.token, client.cacert));
    return ExitCode.OK;
  }

  PrintStream out() {
    return root.io.out();
  }

  PrintStream err() {
    return root.io.err();
  }

  boolean json() {
    return client.json;
  }

  /** A progress bar on standard error, drawn only for a person at a terminal. */
  ProgressBar progress(String label) {
    return new ProgressBar(err(), root.io.terminal() && !client.json, label);
  }
}
