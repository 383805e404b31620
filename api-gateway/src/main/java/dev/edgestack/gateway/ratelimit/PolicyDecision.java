package dev.edgestack.gateway.ratelimit;

/**
 * One policy's decision and how to undo what it consumed, should another policy reject the same
 * request (a rejected request consumes nothing from any policy).
 */
record PolicyDecision(RateLimitStatus status, Runnable refund) {
  static PolicyDecision nothingTaken(RateLimitStatus status) {
    return new PolicyDecision(status, () -> {});
  }
}
