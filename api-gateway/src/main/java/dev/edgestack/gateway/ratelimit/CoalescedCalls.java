package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The store calls of one key of an {@code exact} policy: at most {@code maxInFlight} in flight per
 * gateway. Requests that arrive while all are out wait and are then decided together in the next
 * call, each exactly as if asked alone ({@link RateLimitStore#acquireEach}), so a hot key costs one
 * round trip per batch instead of one per request and its owner's partition thread runs one step
 * per batch. More than one call in flight lets a batch gather while another is out, so that a
 * remote owner's round trip does not idle the key; the owner still decides every step atomically.
 */
final class CoalescedCalls {
  private final int maxBatch;
  private final int maxInFlight;
  private int inFlight;
  private List<Waiter> waiting = new ArrayList<>();

  CoalescedCalls(int maxBatch, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
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
    if (inFlight >= maxInFlight) {
      waiting.add(waiter);
      return false;
    }
    inFlight++;
    return true;
  }

  /** The next batch to send when a call ended (oldest first), or empty when nobody waits. */
  synchronized List<Waiter> next() {
    if (waiting.isEmpty()) {
      inFlight--;
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
    return inFlight == 0;
  }
}
