package dev.edgestack.balancer;

import java.util.List;

/**
 * How a pool spreads requests: builds a {@link Picker} from a snapshot of the usable endpoints.
 * Each strategy is its own small class behind a factory method here.
 */
public interface BalancingStrategy {
  Picker newPicker(List<Endpoint> usable);

  /** Each usable endpoint in turn. */
  static BalancingStrategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /** The strategies a config file may name. */
  enum Kind {
    ROUND_ROBIN;

    public BalancingStrategy strategy() {
      return roundRobin();
    }
  }
}
