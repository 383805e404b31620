package dev.edgestack.gateway.config;

/** How a policy's decisions use the shared store. */
public enum Consistency {
  /** Every decision is one atomic step on the key's owner: the tightest bound, one round trip. */
  EXACT,
  /**
   * A gateway takes small batches of tokens and spends them locally until they run out or expire:
   * most requests make no round trip; unused tokens are returned when the lease expires.
   */
  LEASED
}
