package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

final class RoundRobinStrategy implements BalancingStrategy {
  static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

  private RoundRobinStrategy() {}

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    List<Endpoint> endpoints = new ArrayList<>(candidates.size());
    List<Candidate> rampShares = new ArrayList<>(candidates.size());
    boolean ramping = false;
    for (Candidate candidate : candidates) {
      endpoints.add(candidate.endpoint());
      double share = candidate.weight() / candidate.endpoint().weight();
      ramping |= share < 1;
      rampShares.add(new Candidate(candidate.endpoint(), share));
    }
    if (ramping) {
      // Only slow start makes shares differ; the weighted cycle gives each ramping endpoint its
      // reduced share and everyone else equal turns.
      return WeightedRoundRobinStrategy.INSTANCE.newPicker(rampShares);
    }
    return new Cycle(List.copyOf(endpoints));
  }

  private static final class Cycle implements Picker {
    private final List<Endpoint> endpoints;
    private final AtomicInteger next = new AtomicInteger();

    Cycle(List<Endpoint> endpoints) {
      this.endpoints = endpoints;
    }

    @Override
    public Endpoint pick(Set<Endpoint> excluded, long hash) {
      int size = endpoints.size();
      if (size == 0) {
        return null;
      }
      int start = Math.floorMod(next.getAndIncrement(), size);
      for (int i = 0; i < size; i++) {
        Endpoint candidate = endpoints.get((start + i) % size);
        if (!excluded.contains(candidate)) {
          return candidate;
        }
      }
      return null;
    }
  }
}
