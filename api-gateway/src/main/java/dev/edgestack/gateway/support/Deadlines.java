package dev.edgestack.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Bounds any asynchronous step by a timer, so that no I/O of the gateway can wait forever. */
public final class Deadlines {
  private Deadlines() {}

  /**
   * The outcome of {@code future} if it completes within {@code timeout}, else a failure made by
   * {@code onTimeout}; the timer is cancelled as soon as the future completes.
   */
  public static <T> Future<T> within(
      Vertx vertx, Future<T> future, Duration timeout, Supplier<? extends Throwable> onTimeout) {
    if (future.isComplete()) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    long timer =
        vertx.setTimer(Math.max(1, timeout.toMillis()), id -> promise.tryFail(onTimeout.get()));
    future.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            promise.tryComplete(result.result());
          } else {
            promise.tryFail(result.cause());
          }
        });
    return promise.future();
  }
}
