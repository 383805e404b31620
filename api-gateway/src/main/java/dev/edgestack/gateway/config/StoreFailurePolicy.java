package dev.edgestack.gateway.config;

/** What a rate limit does when its shared store cannot answer in time. */
public enum StoreFailurePolicy {
  /** Admit the request: availability over accuracy. */
  FAIL_OPEN,
  /** Answer 503: accuracy over availability. */
  FAIL_CLOSED
}
