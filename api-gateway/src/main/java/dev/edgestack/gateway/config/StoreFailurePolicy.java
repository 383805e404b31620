package dev.edgestack.gateway.config;

/** What a rate limit does while its shared store cannot answer in time. */
public enum StoreFailurePolicy {
  /** Admit the request: availability over accuracy. */
  FAIL_OPEN,
  /** Answer 503 (never 429: the client did nothing wrong): accuracy over availability. */
  FAIL_CLOSED,
  /** Each gateway enforces {@code limit / live members} on its own until the store is back. */
  LOCAL_SHARE
}
