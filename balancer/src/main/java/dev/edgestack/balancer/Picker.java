package dev.edgestack.balancer;

import java.util.Set;

/** An immutable choice function over a snapshot of usable endpoints. */
@FunctionalInterface
public interface Picker {
  /** An endpoint not in {@code excluded}, or {@code null} when there is none. */
  Endpoint pick(Set<Endpoint> excluded);
}
