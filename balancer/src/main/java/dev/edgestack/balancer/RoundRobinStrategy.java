package dev.edgestack.balancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

final class RoundRobinStrategy implements BalancingStrategy {
  static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

  private RoundRobinStrategy() {}

  @Override
  public Picker newPicker(List<Endpoint> usable) {
    List<Endpoint> endpoints = List.copyOf(usable);
    AtomicInteger next = new AtomicInteger();
    return excluded -> {
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
    };
  }
}
