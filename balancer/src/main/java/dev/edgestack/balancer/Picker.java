package dev.edgestack.balancer;

import java.util.Set;

/** An immutable choice function over a snapshot of usable endpoints. */
@FunctionalInterface
public interface Picker {
  /**
   * An endpoint not in {@code excluded}, or {@code null} when there is none. {@code hash} is the
   * request's hash key; only hashing strategies read it.
   */
  Endpoint pick(Set<Endpoint> excluded, long hash);

  /** Picks for a request without a hash key. */
  default Endpoint pick(Set<Endpoint> excluded) {
    return pick(excluded, 0L);
  }

  /** Picks as {@link #pick(Set, long)} and says why; strategies with scores override it. */
  default Choice explain(Set<Endpoint> excluded, long hash) {
    return Choice.plain(pick(excluded, hash));
  }

  /** A picker that never finds an endpoint. */
  static Picker empty() {
    return (excluded, hash) -> null;
  }
}
