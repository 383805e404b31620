package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;

/**
 * One policy's answer for one request, as the client will see it in the {@code RateLimit} fields:
 * remaining requests, seconds until the quota is full again and, when rejected, until a retry.
 * Negative numbers mean unknown (the store failed and the policy fails open or closed).
 */
public final class RateLimitStatus {
  private final RateLimitHeaders.PolicyText text;
  private final RateLimitDecision decision;
  private final long remaining;
  private final long resetSeconds;
  private final long retryAfterSeconds;

  private RateLimitStatus(
      RateLimitHeaders.PolicyText text,
      RateLimitDecision decision,
      long remaining,
      long resetSeconds,
      long retryAfterSeconds) {
    this.text = text;
    this.decision = decision;
    this.remaining = remaining;
    this.resetSeconds = resetSeconds;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * From numbers in tokens and microseconds; remaining is told in requests of the policy's cost.
   */
  static RateLimitStatus of(
      RateLimitHeaders.PolicyText text,
      RateLimitDecision decision,
      long remainingTokens,
      long resetMicros,
      long retryAfterMicros) {
    return new RateLimitStatus(
        text,
        decision,
        remainingTokens / text.policy().cost(),
        LimitStep.ceilSeconds(resetMicros),
        LimitStep.ceilSeconds(retryAfterMicros));
  }

  static RateLimitStatus of(
      RateLimitHeaders.PolicyText text, RateLimitDecision decision, LimitStep step) {
    return of(text, decision, step.remaining(), step.resetMicros(), step.retryAfterMicros());
  }

  static RateLimitStatus unknown(RateLimitHeaders.PolicyText text, RateLimitDecision decision) {
    return new RateLimitStatus(text, decision, -1, -1, -1);
  }

  public RateLimitConfig policy() {
    return text.policy();
  }

  public RateLimitDecision decision() {
    return decision;
  }

  /** Requests of the policy's cost that would pass right now; negative when unknown. */
  public long remaining() {
    return remaining;
  }

  /** Seconds until the quota is full again, rounded up; negative when unknown. */
  public long resetSeconds() {
    return resetSeconds;
  }

  /** Seconds until a rejected request may be retried, rounded up; negative when unknown. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether the numbers are known (they are not when the store failed open or closed). */
  public boolean known() {
    return remaining >= 0;
  }

  RateLimitHeaders.PolicyText text() {
    return text;
  }

  @Override
  public String toString() {
    return "RateLimitStatus[policy="
        + policy().name()
        + ", decision="
        + decision
        + ", remaining="
        + remaining
        + ", resetSeconds="
        + resetSeconds
        + ", retryAfterSeconds="
        + retryAfterSeconds
        + "]";
  }
}
