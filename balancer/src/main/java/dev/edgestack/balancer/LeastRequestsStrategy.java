package dev.edgestack.balancer;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint with the fewest requests in flight per unit of weight. The scan starts one place
 * further each time, so that ties (an idle pool) take turns instead of always going to the first.
 */
final class LeastRequestsStrategy implements BalancingStrategy {
  static final LeastRequestsStrategy INSTANCE = new LeastRequestsStrategy();

  private LeastRequestsStrategy() {}

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return Picker.empty();
    }
    Candidate[] snapshot = candidates.toArray(Candidate[]::new);
    AtomicInteger start = new AtomicInteger();
    return new Picker() {
      @Override
      public Endpoint pick(Set<Endpoint> excluded, long hash) {
        return LeastRequestsStrategy.pick(
            snapshot, Math.floorMod(start.getAndIncrement(), snapshot.length), excluded);
      }

      @Override
      public Choice explain(Set<Endpoint> excluded, long hash) {
        Endpoint chosen = pick(excluded, hash);
        double score = 0;
        for (Candidate candidate : snapshot) {
          if (candidate.endpoint() == chosen) {
            score = (chosen.inFlight() + 1) / candidate.weight();
          }
        }
        return chosen == null
            ? Choice.plain(null)
            : new Choice(
                chosen,
                String.format(
                    Locale.ROOT,
                    "fewest in flight per weight among %d: %s(score=%.2f)",
                    snapshot.length,
                    chosen,
                    score));
      }
    };
  }

  private static Endpoint pick(Candidate[] candidates, int start, Set<Endpoint> excluded) {
    Endpoint best = null;
    double bestScore = Double.MAX_VALUE;
    boolean none = excluded.isEmpty();
    int size = candidates.length;
    for (int i = 0, j = start; i < size; i++, j = j + 1 == size ? 0 : j + 1) {
      Candidate candidate = candidates[j];
      Endpoint endpoint = candidate.endpoint();
      if (!none && excluded.contains(endpoint)) {
        continue;
      }
      double score = (endpoint.inFlight() + 1) / candidate.weight();
      if (score < bestScore) {
        best = endpoint;
        bestScore = score;
      }
    }
    return best;
  }
}
