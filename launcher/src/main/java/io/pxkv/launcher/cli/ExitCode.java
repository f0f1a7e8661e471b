package io.pxkv.launcher.cli;

/**
 * The exit codes of the admin commands, for scripts. Documented in docs/OPERATIONS.md; never change
 * the meaning of one that has shipped.
 */
public final class ExitCode {
  /** Done. */
  public static final int OK = 0;

  /** The key (get, del) or the index (query) does not exist. */
  public static final int NOT_FOUND = 1;

  /**
   * Bad input: an unknown or malformed flag or argument, or a request the router refused as bad
   * (400, 413: an empty or too long key, a value that is not JSON or too large, a bad backup line).
   */
  public static final int USAGE = 2;

  /**
   * The router could not be reached, did not answer in time, failed (5xx, e.g. a node down), or
   * answered something unexpected; or a local file could not be read or written.
   */
  public static final int FAILURE = 3;

  private ExitCode() {}
}
