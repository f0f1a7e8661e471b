package io.pxkv.bench.harness;

/**
 * A scenario cannot go on (a server did not start, an import was refused, a move never finished).
 * The message goes into the report as the reason the scenario failed, so it says what happened in
 * one sentence; the other scenarios still run.
 */
public final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BenchException(String message) {
    super(message);
  }

  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
