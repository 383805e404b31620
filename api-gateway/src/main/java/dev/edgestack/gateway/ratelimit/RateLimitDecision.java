package dev.edgestack.gateway.ratelimit;

/** What a rate limit decided about one request. */
public enum RateLimitDecision {
  ADMITTED,
  REJECTED,
  /** The store failed and the policy admits on failure. */
  ADMITTED_STORE_FAILURE,
  /** The store failed and the policy rejects (503) on failure. */
  REJECTED_STORE_FAILURE;

  /** The metric tag, such as {@code admitted-store-failure}. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
