package dev.edgestack.balancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How a pool spreads requests: builds an immutable {@link Picker} from a snapshot of the usable
 * endpoints with their effective weights. Each strategy is its own small class behind a factory
 * method here.
 *
 * <pre>
 * Pool pool = Pool.builder("accounts", BalancingStrategy.weightedRoundRobin()).build();
 * </pre>
 */
public interface BalancingStrategy {
  Picker newPicker(List<Candidate> candidates);

  /**
   * Each usable endpoint in turn, ignoring configured weights; an endpoint in slow start gets its
   * reduced share.
   */
  static BalancingStrategy roundRobin() {
    return RoundRobinStrategy.INSTANCE;
  }

  /**
   * Smooth weighted round robin (as NGINX): shares follow the weights exactly over each cycle, and
   * picks of a heavy endpoint are interleaved with the others instead of coming in bursts.
   */
  static BalancingStrategy weightedRoundRobin() {
    return WeightedRoundRobinStrategy.INSTANCE;
  }

  /** The endpoint with the fewest requests in flight per unit of weight; ties take turns. */
  static BalancingStrategy leastRequests() {
    return LeastRequestsStrategy.INSTANCE;
  }

  /**
   * The less loaded of two random endpoints, where load is requests in flight times the decaying
   * latency estimate per unit of weight. Failures enter the estimate as slow answers, so an
   * endpoint that fails fast loses share instead of gaining it.
   */
  static BalancingStrategy powerOfTwoChoices() {
    return powerOfTwoChoices(
        ThreadLocalRandom::current, Ticker.system(), LatencyConfig.DEFAULT.decay());
  }

  /**
   * {@link #powerOfTwoChoices()} with the given randomness and clock (for deterministic tests);
   * latency estimates of endpoints without traffic fade over {@code decay}.
   */
  static BalancingStrategy powerOfTwoChoices(
      Supplier<RandomGenerator> random, Ticker ticker, Duration decay) {
    return new PowerOfTwoChoicesStrategy(random, ticker, decay.toNanos());
  }

  /** A random endpoint, with probability proportional to its weight. */
  static BalancingStrategy random() {
    return random(ThreadLocalRandom::current);
  }

  /** {@link #random()} with the given randomness, for deterministic tests. */
  static BalancingStrategy random(Supplier<RandomGenerator> random) {
    return new RandomStrategy(random);
  }

  /**
   * Consistent hashing on the request's hash key over a ring of weighted virtual nodes, with
   * bounded load: no endpoint takes more than {@code loadFactor} times the mean of requests in
   * flight (per unit of weight); a key whose endpoint is full moves on along the ring.
   */
  static BalancingStrategy consistentHash(double loadFactor) {
    return new ConsistentHashStrategy(loadFactor, ConsistentHashStrategy.POINTS_PER_WEIGHT);
  }

  /** The strategies a config file may name, spelled {@code round-robin} and so on. */
  enum Kind {
    ROUND_ROBIN,
    WEIGHTED_ROUND_ROBIN,
    LEAST_REQUESTS,
    POWER_OF_TWO_CHOICES,
    RANDOM,
    CONSISTENT_HASH
  }
}
