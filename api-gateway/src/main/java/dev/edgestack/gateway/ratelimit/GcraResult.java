package dev.edgestack.gateway.ratelimit;

import java.io.Serializable;

/**
 * The outcome of one GCRA step, in microseconds: the new theoretical arrival time to store (the old
 * one when rejected), how many more requests would be admitted right now, how long until a rejected
 * request may be retried and how long until the full burst is available again.
 */
public record GcraResult(
    RateLimitDecision decision,
    long tatMicros,
    long remaining,
    long retryAfterMicros,
    long resetMicros)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@code Retry-After} in whole seconds, rounded up. */
  public long retryAfterSeconds() {
    return ceilSeconds(retryAfterMicros);
  }

  /** Seconds until the quota is fully available again, rounded up. */
  public long resetSeconds() {
    return ceilSeconds(resetMicros);
  }

  private static long ceilSeconds(long micros) {
    return micros <= 0 ? 0 : (micros + 999_999) / 1_000_000;
  }
}
