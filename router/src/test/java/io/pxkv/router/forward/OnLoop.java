package io.pxkv.router.forward;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Drives classes confined to an event loop from a test thread. */
public final class OnLoop {
  private OnLoop() {}

  /**
   * Runs {@code action} on {@code loop} and waits up to 30 s for the future it returns: its result,
   * or an {@link java.util.concurrent.ExecutionException} wrapping its failure.
   */
  public static <T> T await(Context loop, Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            action
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) done.complete(ar.result());
                      else done.completeExceptionally(ar.cause());
                    }));
    return done.get(30, TimeUnit.SECONDS);
  }
}
