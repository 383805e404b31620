package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.StoreBreakerConfig;

/**
 * Stops asking a failing store: after {@code failures} consecutive failures it opens for {@code
 * openFor}, then lets exactly one probe through; the probe's success closes it. Each method returns
 * whether the store switched between available and degraded, so that the caller logs and counts
 * each switch once. The state is a few fields behind one short lock.
 */
final class StoreBreaker {
  private final int threshold;
  private final long openMicros;
  private int consecutiveFailures;
  private boolean degraded;
  private long openUntilMicros;
  private boolean probing;

  StoreBreaker(StoreBreakerConfig config) {
    this.threshold = config.failures();
    this.openMicros = config.openFor().toNanos() / 1_000;
  }

  /** Whether a call may go to the store now. */
  synchronized boolean allows(long nowMicros) {
    if (!degraded) {
      return true;
    }
    if (probing || nowMicros < openUntilMicros) {
      return false;
    }
    probing = true;
    return true;
  }

  /** The store answered; true when this ends a degraded spell. */
  synchronized boolean succeeded() {
    consecutiveFailures = 0;
    probing = false;
    boolean switched = degraded;
    degraded = false;
    return switched;
  }

  /** The store failed or timed out; true when this starts a degraded spell. */
  synchronized boolean failed(long nowMicros) {
    probing = false;
    consecutiveFailures++;
    if (degraded) {
      openUntilMicros = nowMicros + openMicros;
      return false;
    }
    if (consecutiveFailures >= threshold) {
      degraded = true;
      openUntilMicros = nowMicros + openMicros;
      return true;
    }
    return false;
  }

  synchronized boolean degraded() {
    return degraded;
  }
}
