package io.pxkv.common.cli;

/** A bad flag, environment variable or config: printed as one line, exit code 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
