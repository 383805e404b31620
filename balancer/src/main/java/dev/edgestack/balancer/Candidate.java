package dev.edgestack.balancer;

import java.util.Objects;

/**
 * An endpoint in a picker's snapshot with the weight it has in that snapshot: its configured weight
 * times its slow-start factor.
 */
public record Candidate(Endpoint endpoint, double weight) {
  public Candidate {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!(weight > 0)) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
    }
  }
}
