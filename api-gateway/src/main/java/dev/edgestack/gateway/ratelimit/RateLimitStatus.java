package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;

/**
 * One policy's answer for one request, as the client will see it in the {@code RateLimit} fields:
 * remaining requests, seconds until the quota is full again and, when rejected, until a retry.
 * Negative numbers mean unknown (the store failed and the policy fails open or closed).
 */
public record RateLimitStatus(
    RateLimitConfig policy,
    RateLimitDecision decision,
    long remaining,
    long resetSeconds,
    long retryAfterSeconds) {

  static RateLimitStatus of(RateLimitConfig policy, RateLimitDecision decision, LimitStep step) {
    // Remaining is in requests of this policy's cost.
    return new RateLimitStatus(
        policy,
        decision,
        step.remaining() / policy.cost(),
        step.resetSeconds(),
        step.retryAfterSeconds());
  }

  static RateLimitStatus unknown(RateLimitConfig policy, RateLimitDecision decision) {
    return new RateLimitStatus(policy, decision, -1, -1, -1);
  }

  /** Whether the numbers are known (they are not when the store failed open or closed). */
  public boolean known() {
    return remaining >= 0;
  }
}
