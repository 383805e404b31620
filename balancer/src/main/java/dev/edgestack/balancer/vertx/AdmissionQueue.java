package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.LimitsConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded queue of requests waiting for room on an endpoint that reached its concurrency limit.
 * A waiter is woken (on its own context) when any request of the pool finishes, and then picks
 * again; it gives up after the queue timeout. A request the queue turns away is a local rejection.
 */
final class AdmissionQueue {
  /** Why a request waited in vain. */
  enum Rejection {
    QUEUE_FULL,
    QUEUE_TIMEOUT
  }

  /** A failed wait. */
  static final class RejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Rejection reason;

    RejectedException(Rejection reason) {
      super(reason.name(), null, false, false);
      this.reason = reason;
    }
  }

  private final Vertx vertx;
  private final LimitsConfig limits;
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  // The size of waiters, written under its lock, so that the release of every request need not
  // take the lock when nobody waits (almost always).
  private volatile int waiting;
  // Every release, waiter or not: a wait begun after one it did not see goes on at once.
  private final LongAdder releases = new LongAdder();

  AdmissionQueue(Vertx vertx, LimitsConfig limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  int length() {
    synchronized (waiters) {
      return waiters.size();
    }
  }

  /**
   * How many requests of the pool have finished so far; read before the pick that found no room.
   */
  long releases() {
    return releases.sum();
  }

  /**
   * Completes when there may be room again, at once when a request finished since {@code
   * releasesSeen} was read; fails with a {@link RejectedException}.
   */
  Future<Void> await(long timeoutMillis, long releasesSeen) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    Waiter waiter = new Waiter(context, promise);
    synchronized (waiters) {
      if (waiters.size() >= limits.queueSize()) {
        return Future.failedFuture(new RejectedException(Rejection.QUEUE_FULL));
      }
      waiters.addLast(waiter);
      waiting = waiters.size();
    }
    if (releases.sum() != releasesSeen) {
      // That release saw no waiter, so it woke nobody.
      boolean removed;
      synchronized (waiters) {
        removed = waiters.remove(waiter);
        waiting = waiters.size();
      }
      if (removed) {
        // Later, not on this stack: the caller picks again, and may come back here.
        context.runOnContext(ignored -> promise.tryComplete());
        return promise.future();
      }
    }
    long wait = Math.max(1, Math.min(timeoutMillis, limits.queueTimeout().toMillis()));
    waiter.timer =
        vertx.setTimer(
            wait,
            id -> {
              boolean removed;
              synchronized (waiters) {
                removed = waiters.remove(waiter);
                waiting = waiters.size();
              }
              if (removed) {
                context.runOnContext(
                    ignored -> promise.tryFail(new RejectedException(Rejection.QUEUE_TIMEOUT)));
              }
            });
    return promise.future();
  }

  /** A request finished: the longest waiter may try again. */
  void wakeOne() {
    releases.increment();
    if (waiting == 0) {
      return;
    }
    Waiter waiter;
    synchronized (waiters) {
      waiter = waiters.pollFirst();
      waiting = waiters.size();
    }
    if (waiter != null) {
      cancel(waiter);
      waiter.context.runOnContext(ignored -> waiter.promise.tryComplete());
    }
  }

  /** Fails every waiter, on shutdown. */
  void clear() {
    while (true) {
      Waiter waiter;
      synchronized (waiters) {
        waiter = waiters.pollFirst();
        waiting = waiters.size();
      }
      if (waiter == null) {
        return;
      }
      cancel(waiter);
      waiter.context.runOnContext(
          ignored -> waiter.promise.tryFail(new RejectedException(Rejection.QUEUE_TIMEOUT)));
    }
  }

  private void cancel(Waiter waiter) {
    if (waiter.timer >= 0) {
      vertx.cancelTimer(waiter.timer);
    }
  }

  private static final class Waiter {
    final Context context;
    final Promise<Void> promise;
    volatile long timer = -1;

    Waiter(Context context, Promise<Void> promise) {
      this.context = context;
      this.promise = promise;
    }
  }
}
