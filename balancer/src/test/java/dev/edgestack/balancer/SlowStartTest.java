package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.counts;
import static dev.edgestack.balancer.Endpoints.endpoints;
import static dev.edgestack.balancer.Endpoints.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlowStartTest {
  private final ManualTicker ticker = new ManualTicker();
  private final SlowStartConfig linear = new SlowStartConfig(Duration.ofSeconds(10), 1, 0.1);

  @Test
  void theRampIsLinearFromTheMinimumToFullWeight() {
    assertThat(linear.factor(0)).isEqualTo(0.1);
    assertThat(linear.factor(Duration.ofMillis(500).toNanos())).isEqualTo(0.1);
    assertThat(linear.factor(Duration.ofSeconds(5).toNanos())).isCloseTo(0.5, within(1e-9));
    assertThat(linear.factor(Duration.ofSeconds(10).toNanos())).isEqualTo(1);
    assertThat(linear.factor(Duration.ofMinutes(1).toNanos())).isEqualTo(1);
  }

  @Test
  void higherAggressionRampsFasterAtFirst() {
    SlowStartConfig aggressive = new SlowStartConfig(Duration.ofSeconds(10), 2, 0.1);
    assertThat(aggressive.factor(Duration.ofMillis(2_500).toNanos())).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void aRecoveredEndpointRampsItsShareUnderEveryStrategy() {
    java.util.SplittableRandom seeded = new java.util.SplittableRandom(1);
    for (BalancingStrategy strategy :
        List.of(
            BalancingStrategy.roundRobin(),
            BalancingStrategy.weightedRoundRobin(),
            BalancingStrategy.random(() -> seeded))) {
      List<Endpoint> endpoints = endpoints(1, 1);
      Pool pool =
          Pool.builder("slow", strategy)
              .endpoints(endpoints)
              .slowStart(linear)
              .ticker(ticker)
              .build();
      Endpoint returning = endpoints.get(1);
      pool.markHealthy(returning, false);
      pool.markHealthy(returning, true);
      assertThat(pool.ramping()).isTrue();
      assertThat(shareOf(pool, returning))
          .as("%s at 0s", strategy)
          .isCloseTo(0.1 / 1.1, within(0.02));
      ticker.advance(Duration.ofSeconds(5));
      pool.refresh();
      assertThat(shareOf(pool, returning))
          .as("%s at 5s", strategy)
          .isCloseTo(0.5 / 1.5, within(0.02));
      ticker.advance(Duration.ofSeconds(5));
      pool.refresh();
      assertThat(pool.ramping()).isFalse();
      assertThat(shareOf(pool, returning)).as("%s at 10s", strategy).isCloseTo(0.5, within(0.02));
    }
  }

  @Test
  void endpointsPresentAtStartDoNotSlowStart() {
    List<Endpoint> endpoints = endpoints(1, 1);
    Pool pool =
        Pool.builder("slow", BalancingStrategy.roundRobin())
            .endpoints(endpoints)
            .slowStart(linear)
            .ticker(ticker)
            .build();
    assertThat(pool.ramping()).isFalse();
    assertThat(pool.effectiveWeight(endpoints.get(0))).isEqualTo(1);
  }

  @Test
  void anAddedEndpointRampsAndKeepsItsConfiguredWeight() {
    Pool pool =
        Pool.builder("slow", BalancingStrategy.weightedRoundRobin())
            .endpoints(endpoints(1))
            .slowStart(linear)
            .ticker(ticker)
            .build();
    Endpoint added =
        pool.add(new EndpointSpec(new EndpointAddress("127.0.0.1", 20_000, 20_000), 4), true);
    assertThat(pool.effectiveWeight(added)).isCloseTo(0.4, within(1e-9));
    ticker.advance(Duration.ofSeconds(10));
    pool.refresh();
    assertThat(pool.effectiveWeight(added)).isEqualTo(4);
    assertThat(shareOf(pool, added)).isCloseTo(0.8, within(0.01));
  }

  private static double shareOf(Pool pool, Endpoint endpoint) {
    Map<Endpoint, Integer> counts = counts(sequence(() -> pool.pick(Set.of()), 10_000));
    return counts.getOrDefault(endpoint, 0) / 10_000.0;
  }
}
