package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The store calls of one key of an {@code exact} policy: at most {@code maxInFlight} in flight per
 * gateway. Requests that arrive while all are out wait and are then decided together in the next
 * call, each exactly as if asked alone ({@link RateLimitStore#acquireEach}), so a hot key costs one
 * round trip per batch instead of one per request and its owner's partition thread runs one step
 * per batch. More than one call in flight lets a batch gather while another is out, so that a
 * remote owner's round trip does not idle the key; the owner still decides every step atomically.
 *
 * <p>A call started on an event loop is sent at the end of the loop's current pass, with every
 * request of the key that arrives in that pass: the requests of several connections that one read
 * of the loop's ready sockets delivers, or that the answer of the previous call lets in, go in one
 * call instead of one each. Each uncoalesced call costs two thread hand-offs (event loop to the
 * owner's partition thread and back), which is most of what an {@code exact} decision costs.
 */
final class CoalescedCalls {
  private final int maxBatch;
  private final int maxInFlight;
  private int inFlight;
  private List<Waiter> waiting = new ArrayList<>();
  // The batch of the current event-loop pass: it holds a call slot and is sent at the pass's end.
  private List<Waiter> gathering;

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
    private final Context context;

    Waiter() {
      // Null off Vert.x: such a waiter is answered on the store's thread and never gathers.
      this.context = Vertx.currentContext();
    }

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

  /**
   * Has {@code send} call the store for {@code waiter}: at the end of this event-loop pass with the
   * key's other requests of the pass, at once off an event loop, or, when every call is out, with
   * the next batch once one is back ({@link #next()}).
   */
  void enter(Waiter waiter, Consumer<List<Waiter>> send) {
    Context context = waiter.context;
    boolean gather = context != null && context.isEventLoopContext();
    List<Waiter> batch;
    synchronized (this) {
      if (gathering != null && gathering.size() < maxBatch) {
        gathering.add(waiter);
        return;
      }
      if (inFlight >= maxInFlight) {
        waiting.add(waiter);
        return;
      }
      inFlight++;
      if (!gather) {
        batch = List.of(waiter);
      } else {
        // A full batch of this pass keeps its call; the rest of the pass gathers in this one.
        batch = new ArrayList<>();
        batch.add(waiter);
        gathering = batch;
      }
    }
    if (gather) {
      // A task queued from the loop runs after the I/O events of the pass: no wake-up, no timer.
      context.runOnContext(ignored -> send.accept(endGathering(batch)));
    } else {
      send.accept(batch);
    }
  }

  private synchronized List<Waiter> endGathering(List<Waiter> batch) {
    if (gathering == batch) {
      gathering = null;
    }
    return batch;
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
