package dev.edgestack.balancer;

/** What happened to one attempt on one endpoint, as the data path reports it. */
public enum Outcome {
  SUCCESS,
  SERVER_ERROR,
  CONNECT_FAILURE,
  TIMEOUT,
  RESET,
  /** The client went away first: says nothing about the endpoint, and detectors ignore it. */
  CANCELLED;

  /** Whether the attempt provably never reached the endpoint, so that a retry is always safe. */
  public boolean neverReachedEndpoint() {
    return this == CONNECT_FAILURE;
  }
}
