package dev.edgestack.gateway.breaker;

/** What one call through a circuit breaker says about its upstream. */
public enum CallOutcome {
  /** An answer below 500, 4xx included: the upstream works. */
  SUCCESS,
  /** Connect failure, timeout, reset, bad answer or a 5xx status. */
  FAILURE,
  /** Says nothing about the upstream (a local rejection, the client went away). */
  IGNORED
}
