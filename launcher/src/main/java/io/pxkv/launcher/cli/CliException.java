package io.pxkv.launcher.cli;

/**
 * A command's failure: the one line to print and the {@link ExitCode} to exit with. {@code
 * errorBody} is the router's JSON error, when it sent one, for {@code --json} output.
 */
final class CliException extends Exception {
  private final int exitCode;
  private final String errorBody;

  CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  CliException(int exitCode, String message, String errorBody) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.errorBody = errorBody;
  }

  static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }

  static CliException failure(String message) {
    return new CliException(ExitCode.FAILURE, message);
  }

  int exitCode() {
    return exitCode;
  }

  /** The router's error body, or null. */
  String errorBody() {
    return errorBody;
  }

  /** The same failure with {@code hint} after its message. */
  CliException withHint(String hint) {
    return new CliException(exitCode, getMessage() + " (" + hint + ")", errorBody);
  }
}
