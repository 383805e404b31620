package dev.edgestack.gateway.ratelimit;

import java.util.Locale;

/** What a rate limit decided about one request; the tag is the metric's {@code decision}. */
public enum RateLimitDecision {
  ADMITTED,
  /** Over the limit: 429. */
  REJECTED,
  /** A shadow policy would have rejected; the request is admitted and nothing is consumed. */
  SHADOW_REJECTED,
  /** The store failed and the policy admits on failure ({@code fail-open}). */
  ADMITTED_STORE_FAILURE,
  /** The store failed and the policy answers 503 ({@code fail-closed}). */
  REJECTED_STORE_FAILURE,
  /** The store failed; this gateway's share of the limit admitted it ({@code local-share}). */
  ADMITTED_LOCAL_SHARE,
  /** The store failed; this gateway's share of the limit is used up: 429. */
  REJECTED_LOCAL_SHARE;

  private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The metric tag, such as {@code admitted-store-failure}. */
  public String tag() {
    return tag;
  }

  /** Whether the request goes on. */
  public boolean admits() {
    return this != REJECTED && this != REJECTED_STORE_FAILURE && this != REJECTED_LOCAL_SHARE;
  }

  /** Whether this is a rejection for being over a limit (429, as opposed to 503). */
  public boolean overLimit() {
    return this == REJECTED || this == REJECTED_LOCAL_SHARE;
  }
}
