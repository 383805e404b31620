package dev.edgestack.balancer;

import java.util.List;
import java.util.Set;

/**
 * Smooth weighted round robin (NGINX's algorithm): each pick adds every candidate's weight to its
 * running score, takes the highest score and subtracts the total from it. Over a cycle the shares
 * equal the weights, and a heavy endpoint's turns are spread through the cycle.
 */
final class WeightedRoundRobinStrategy implements BalancingStrategy {
  static final WeightedRoundRobinStrategy INSTANCE = new WeightedRoundRobinStrategy();

  private WeightedRoundRobinStrategy() {}

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    return candidates.isEmpty() ? Picker.empty() : new Smooth(List.copyOf(candidates));
  }

  private static final class Smooth implements Picker {
    private final Endpoint[] endpoints;
    private final double[] weights;
    private final double[] scores;

    Smooth(List<Candidate> candidates) {
      int size = candidates.size();
      endpoints = new Endpoint[size];
      weights = new double[size];
      scores = new double[size];
      for (int i = 0; i < size; i++) {
        endpoints[i] = candidates.get(i).endpoint();
        weights[i] = candidates.get(i).weight();
      }
    }

    // One short critical section per pick: the running scores are the algorithm's state.
    @Override
    public synchronized Endpoint pick(Set<Endpoint> excluded, long hash) {
      boolean none = excluded.isEmpty();
      int best = -1;
      double total = 0;
      for (int i = 0; i < endpoints.length; i++) {
        if (none || !excluded.contains(endpoints[i])) {
          scores[i] += weights[i];
          total += weights[i];
          if (best < 0 || scores[i] > scores[best]) {
            best = i;
          }
        }
      }
      if (best < 0) {
        return null;
      }
      scores[best] -= total;
      return endpoints[best];
    }
  }
}
