package io.pxkv.router.client;

/**
 * Told how each call a {@link NodeClient} made to its node ended, for the router's meters. Called
 * on the client's event loop, once per call, so it must be cheap.
 */
public interface CallObserver {
  /** The node answered with {@code status}, {@code nanos} after the call was made. */
  void answered(long nanos, int status);

  /** No answer: {@code failure} is the contract error (timeout, unavailable) the caller gets. */
  void failed(long nanos, Throwable failure);
}
