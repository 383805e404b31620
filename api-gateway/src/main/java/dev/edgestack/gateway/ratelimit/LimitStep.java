package dev.edgestack.gateway.ratelimit;

import java.io.Serializable;

/**
 * The outcome of one step of a {@link LimitAlgorithm}, in tokens and microseconds: the state to
 * store (the old one when rejected), how many tokens were granted (a lease may get more than the
 * request needs), how many more would be granted right now, how long until a rejected request may
 * be retried and how long until the full quota is available again.
 */
public record LimitStep(
    RateLimitDecision decision,
    Serializable state,
    long granted,
    long remaining,
    long retryAfterMicros,
    long resetMicros)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public boolean admitted() {
    return decision == RateLimitDecision.ADMITTED;
  }

  /** The numbers without the state, as the store sends them back. */
  public long[] toWire() {
    return new long[] {decision.ordinal(), granted, remaining, retryAfterMicros, resetMicros};
  }

  /** The step that {@link #toWire()} wrote (without its state). */
  public static LimitStep fromWire(long[] wire) {
    return new LimitStep(
        RateLimitDecision.values()[(int) wire[0]], null, wire[1], wire[2], wire[3], wire[4]);
  }

  /** {@code Retry-After} in whole seconds, rounded up. */
  public long retryAfterSeconds() {
    return ceilSeconds(retryAfterMicros);
  }

  /** Seconds until the quota is fully available again, rounded up. */
  public long resetSeconds() {
    return ceilSeconds(resetMicros);
  }

  static long ceilSeconds(long micros) {
    return micros <= 0 ? 0 : (micros + 999_999) / 1_000_000;
  }
}
