package dev.edgestack.balancer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries as a share of live traffic (as Envoy's retry budget): a retry may start while the
 * retries in flight are fewer than {@code ratio x requests in flight}, or fewer than {@code
 * minRetries} when that is more. Under a broad outage retries stop at that share instead of
 * multiplying the load, and stacked tiers each add at most their share.
 */
public final class RetryBudget {
  private final double ratio;
  private final int minRetries;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicLong exhausted = new AtomicLong();

  public RetryBudget(double ratio, int minRetries) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: 0..1)");
    }
    if (minRetries < 0) {
      throw new IllegalArgumentException("minRetries: " + minRetries + " (expected: >= 0)");
    }
    this.ratio = ratio;
    this.minRetries = minRetries;
  }

  /** A request started (its first attempt). */
  public void requestStarted() {
    requests.incrementAndGet();
  }

  public void requestFinished() {
    requests.decrementAndGet();
  }

  /** How many retries may be in flight right now. */
  public int allowedRetries() {
    return Math.max(minRetries, (int) Math.floor(ratio * requests.get()));
  }

  /** Takes a retry from the budget; {@link #retryFinished()} gives it back. */
  public boolean tryStartRetry() {
    while (true) {
      int current = retries.get();
      if (current >= allowedRetries()) {
        exhausted.incrementAndGet();
        return false;
      }
      if (retries.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void retryFinished() {
    retries.decrementAndGet();
  }

  public int requestsInFlight() {
    return requests.get();
  }

  public int retriesInFlight() {
    return retries.get();
  }

  /** How many retries the budget refused. */
  public long exhausted() {
    return exhausted.get();
  }
}
