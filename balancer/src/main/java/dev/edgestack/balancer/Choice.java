package dev.edgestack.balancer;

/**
 * A pick with the reason for it, for the debug header: which candidates the strategy weighed and
 * their scores. Built only when a pool's debug header is on; the data path otherwise picks plainly.
 */
public record Choice(Endpoint endpoint, String reason) {
  /** A choice whose reason is just the endpoint, for strategies with nothing more to say. */
  static Choice plain(Endpoint endpoint) {
    return new Choice(endpoint, endpoint == null ? "none left" : "turn of " + endpoint);
  }
}
