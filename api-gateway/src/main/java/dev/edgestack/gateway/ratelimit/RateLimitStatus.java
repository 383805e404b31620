package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;

/**
 * One policy's answer for one request, as the client will see it in the {@code RateLimit} fields:
 * remaining requests, seconds until the quota is full again and, when rejected, until a retry.
 */
public record RateLimitStatus(
    RateLimitConfig policy,
    RateLimitDecision decision,
    long remaining,
    long resetSeconds,
    long retryAfterSeconds) {

  static RateLimitStatus of(RateLimitConfig policy, GcraResult result) {
    return new RateLimitStatus(
        policy,
        result.decision(),
        result.remaining(),
        result.resetSeconds(),
        result.retryAfterSeconds());
  }

  static RateLimitStatus storeFailure(RateLimitConfig policy, RateLimitDecision decision) {
    return new RateLimitStatus(policy, decision, -1, -1, -1);
  }

  /** Whether the numbers are known (they are not when the store failed). */
  public boolean known() {
    return decision == RateLimitDecision.ADMITTED || decision == RateLimitDecision.REJECTED;
  }
}
