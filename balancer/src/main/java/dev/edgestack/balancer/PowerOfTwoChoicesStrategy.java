package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Two random candidates; the one with the lower load wins, where load is {@code (in flight + 1) x
 * latency estimate / weight}. An endpoint without a recent latency sample (none within the decay
 * period) is compared on the other's estimate, so that it is judged on its requests in flight alone
 * and gets probed again.
 */
final class PowerOfTwoChoicesStrategy implements BalancingStrategy {
  /** Latencies closer than this factor count as equal. */
  static final double SAME_LATENCY = 1.3;

  private final Supplier<RandomGenerator> random;
  private final Ticker ticker;
  private final long decayNanos;

  PowerOfTwoChoicesStrategy(Supplier<RandomGenerator> random, Ticker ticker, long decayNanos) {
    this.random = random;
    this.ticker = ticker;
    this.decayNanos = decayNanos;
  }

  @Override
  public Picker newPicker(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return Picker.empty();
    }
    Candidate[] snapshot = candidates.toArray(Candidate[]::new);
    return new Picker() {
      @Override
      public Endpoint pick(Set<Endpoint> excluded, long hash) {
        return choose(snapshot, excluded, random.get(), ticker.nanos(), decayNanos, null);
      }

      @Override
      public Choice explain(Set<Endpoint> excluded, long hash) {
        StringBuilder reason = new StringBuilder();
        Endpoint chosen =
            choose(snapshot, excluded, random.get(), ticker.nanos(), decayNanos, reason);
        return new Choice(chosen, reason.toString());
      }
    };
  }

  private static Endpoint choose(
      Candidate[] all,
      Set<Endpoint> excluded,
      RandomGenerator random,
      long now,
      long decay,
      StringBuilder reason) {
    Candidate[] candidates = all;
    if (!excluded.isEmpty()) {
      List<Candidate> left = new ArrayList<>(all.length);
      for (Candidate candidate : all) {
        if (!excluded.contains(candidate.endpoint())) {
          left.add(candidate);
        }
      }
      candidates = left.toArray(Candidate[]::new);
    }
    int size = candidates.length;
    if (size <= 1) {
      return size == 0 ? null : candidates[0].endpoint();
    }
    int first = random.nextInt(size);
    int second = random.nextInt(size - 1);
    if (second >= first) {
      second++;
    }
    Candidate chosen = better(candidates[first], candidates[second], now, decay);
    if (reason != null) {
      reason
          .append(describe(candidates[first], now, decay))
          .append(" vs ")
          .append(describe(candidates[second], now, decay))
          .append(" -> ")
          .append(chosen.endpoint());
    }
    return chosen.endpoint();
  }

  private static String describe(Candidate candidate, long now, long decay) {
    Endpoint endpoint = candidate.endpoint();
    double latency = endpoint.latency().nanosAt(now, decay);
    return String.format(
        Locale.ROOT,
        "%s(inFlight=%d,latencyMs=%s,weight=%.2f)",
        endpoint,
        endpoint.inFlight(),
        Double.isNaN(latency) ? "?" : String.format(Locale.ROOT, "%.1f", latency / 1e6),
        candidate.weight());
  }

  static Candidate better(Candidate a, Candidate b, long now, long decay) {
    double latencyA = a.endpoint().latency().nanosAt(now, decay);
    double latencyB = b.endpoint().latency().nanosAt(now, decay);
    if (Double.isNaN(latencyA)
        || Double.isNaN(latencyB)
        || Math.max(latencyA, latencyB) <= SAME_LATENCY * Math.min(latencyA, latencyB)) {
      // Unknown or within the noise: compare on requests in flight alone, or identical
      // endpoints would split by jitter, the slowest by a hair getting nothing at low load.
      latencyA = 1;
      latencyB = 1;
    }
    double loadA = (a.endpoint().inFlight() + 1) * latencyA / a.weight();
    double loadB = (b.endpoint().inFlight() + 1) * latencyB / b.weight();
    return loadB < loadA ? b : a;
  }
}
