package dev.edgestack.balancer;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** A random endpoint with probability proportional to its weight (binary search over sums). */
final class RandomStrategy implements BalancingStrategy {
  private final Supplier<RandomGenerator> random;

  RandomStrategy(Supplier<RandomGenerator> random) {
    this.random = random;
  }

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return Picker.empty();
    }
    Endpoint[] endpoints = new Endpoint[candidates.size()];
    double[] cumulative = new double[candidates.size()];
    double total = 0;
    for (int i = 0; i < endpoints.length; i++) {
      endpoints[i] = candidates.get(i).endpoint();
      total += candidates.get(i).weight();
      cumulative[i] = total;
    }
    double sum = total;
    return (excluded, hash) -> pick(endpoints, cumulative, sum, excluded, random.get());
  }

  private static Endpoint pick(
      Endpoint[] endpoints,
      double[] cumulative,
      double total,
      Set<Endpoint> excluded,
      RandomGenerator random) {
    // A few draws find a non-excluded endpoint almost always; then fall back to a scan.
    for (int draw = 0; draw < 4; draw++) {
      Endpoint endpoint = endpoints[index(cumulative, random.nextDouble() * total)];
      if (excluded.isEmpty() || !excluded.contains(endpoint)) {
        return endpoint;
      }
    }
    int start = random.nextInt(endpoints.length);
    for (int i = 0; i < endpoints.length; i++) {
      Endpoint endpoint = endpoints[(start + i) % endpoints.length];
      if (!excluded.contains(endpoint)) {
        return endpoint;
      }
    }
    return null;
  }

  private static int index(double[] cumulative, double point) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulative[middle] > point) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }
}
