package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The store calls of one key of an {@code exact} policy: at most one in flight per gateway.
 * Requests that arrive meanwhile wait and are then decided together in one call, each exactly as if
 * asked alone ({@link RateLimitStore#acquireEach}), so a hot key costs one round trip per batch
 * instead of one per request and its owner's partition thread runs one step per batch.
 */
final class CoalescedCalls {
  private final int maxBatch;
  private boolean calling;
  private List<Waiter> waiting = new ArrayList<>();

  CoalescedCalls(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /** A request waiting for its decision, answered on the context it came from. */
  static final class Waiter {
    final long sinceNanos = System.nanoTime();
    private final Promise<PolicyDecision> promise = Promise.promise();
    private final Context context = Vertx.currentContext();

    io.vertx.core.Future<PolicyDecision> future() {
      return promise.future();
    }

    void complete(PolicyDecision decision) {
      if (context == null || context == Vertx.currentContext()) {
        promise.complete(decision);
      } else {
        context.runOnContext(ignored -> promise.complete(decision));
      }
    }
  }

  /** True when {@code waiter} should call the store now; else it waits for the next batch. */
  synchronized boolean startOrWait(Waiter waiter) {
    if (calling) {
      waiting.add(waiter);
      return false;
    }
    calling = true;
    return true;
  }

  /** The next batch to send when a call ended (oldest first), or empty when nobody waits. */
  synchronized List<Waiter> next() {
    if (waiting.isEmpty()) {
      calling = false;
      return List.of();
    }
    if (waiting.size() <= maxBatch) {
      List<Waiter> batch = waiting;
      waiting = new ArrayList<>();
      return batch;
    }
    List<Waiter> batch = new ArrayList<>(waiting.subList(0, maxBatch));
    waiting = new ArrayList<>(waiting.subList(maxBatch, waiting.size()));
    return batch;
  }

  synchronized boolean idle() {
    return !calling;
  }
}
