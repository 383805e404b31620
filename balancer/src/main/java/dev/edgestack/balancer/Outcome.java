package dev.edgestack.balancer;

/** What happened to one attempt on one endpoint, as the data path reports it. */
public enum Outcome {
  SUCCESS,
  SERVER_ERROR,
  CONNECT_FAILURE,
  TIMEOUT,
  RESET,
  /**
   * The balancer itself turned the attempt away (queue full, no pooled connection in time): says
   * nothing about the endpoint, and detectors ignore it.
   */
  LOCAL_REJECTION,
  /** The client went away first: says nothing about the endpoint, and detectors ignore it. */
  CANCELLED;

  /** Whether the attempt provably never reached the endpoint, so that a retry is always safe. */
  public boolean neverReachedEndpoint() {
    return this == CONNECT_FAILURE || this == LOCAL_REJECTION;
  }

  /** Whether the outcome tells something about the endpoint at all. */
  public boolean concernsEndpoint() {
    return this != LOCAL_REJECTION && this != CANCELLED;
  }

  /** A failure of the connection rather than an answer: connect error, timeout or reset. */
  public boolean isLocalFailure() {
    return this == CONNECT_FAILURE || this == TIMEOUT || this == RESET;
  }

  /** Whether the latency estimate should count the attempt as slow. */
  public boolean isFailure() {
    return this == SERVER_ERROR || isLocalFailure();
  }
}
