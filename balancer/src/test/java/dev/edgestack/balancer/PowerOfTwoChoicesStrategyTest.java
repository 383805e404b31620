package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A simulated pool on a manual clock: each pick starts a request that ends after the endpoint's
 * service time, and its outcome is reported as the proxy would.
 */
class PowerOfTwoChoicesStrategyTest {
  private final ManualTicker ticker = new ManualTicker();
  private final SplittableRandom seeded = new SplittableRandom(7);

  private Pool pool(List<Endpoint> endpoints) {
    return Pool.builder(
            "p2c",
            BalancingStrategy.powerOfTwoChoices(() -> seeded, ticker, Duration.ofSeconds(10)))
        .endpoints(endpoints)
        .ticker(ticker)
        .build();
  }

  private record Running(Endpoint endpoint, long endsAt, Outcome outcome, long startedAt) {}

  /** Sends one request per millisecond for {@code millis}; returns picks per endpoint. */
  private Map<Endpoint, Integer> simulate(
      Pool pool, int millis, Map<Endpoint, Long> serviceMillis, Map<Endpoint, Outcome> outcomes) {
    Map<Endpoint, Integer> picks = new HashMap<>();
    Deque<Running> running = new ArrayDeque<>();
    for (int t = 0; t < millis; t++) {
      ticker.advance(Duration.ofMillis(1));
      long now = ticker.nanos();
      running.removeIf(
          r -> {
            if (r.endsAt() <= now) {
              r.endpoint().finished();
              pool.report(r.endpoint(), r.outcome(), now - r.startedAt());
              return true;
            }
            return false;
          });
      Endpoint endpoint = pool.pick(Set.of());
      endpoint.started();
      picks.merge(endpoint, 1, Integer::sum);
      long service = Duration.ofMillis(serviceMillis.get(endpoint)).toNanos();
      running.add(
          new Running(
              endpoint, now + service, outcomes.getOrDefault(endpoint, Outcome.SUCCESS), now));
    }
    return picks;
  }

  @Test
  void identicalEndpointsConvergeToEqualShares() {
    List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
    Pool pool = pool(endpoints);
    Map<Endpoint, Long> service = new HashMap<>();
    endpoints.forEach(e -> service.put(e, 20L));
    Map<Endpoint, Integer> picks = simulate(pool, 40_000, service, Map.of());
    for (Endpoint endpoint : endpoints) {
      assertThat(picks.get(endpoint) / 40_000.0).isCloseTo(0.25, within(0.02));
    }
  }

  @Test
  void identicalEndpointsWithJitterShareEquallyEvenOneRequestAtATime() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    Map<Endpoint, Integer> picks = new HashMap<>();
    SplittableRandom jitter = new SplittableRandom(11);
    int requests = 30_000;
    for (int i = 0; i < requests; i++) {
      Endpoint endpoint = pool.pick(Set.of());
      picks.merge(endpoint, 1, Integer::sum);
      long latency = Duration.ofMillis(18 + jitter.nextInt(5)).toNanos();
      ticker.advance(Duration.ofNanos(latency));
      pool.report(endpoint, Outcome.SUCCESS, latency);
    }
    for (Endpoint endpoint : endpoints) {
      assertThat(picks.get(endpoint) / (double) requests).isCloseTo(1 / 3.0, within(0.03));
    }
  }

  @Test
  void oneSlowWarmUpAnswerDoesNotStarveAnEndpointForLong() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    Endpoint cold = endpoints.get(2);
    pool.report(endpoints.get(0), Outcome.SUCCESS, Duration.ofMillis(5).toNanos());
    pool.report(endpoints.get(1), Outcome.SUCCESS, Duration.ofMillis(5).toNanos());
    pool.report(cold, Outcome.SUCCESS, Duration.ofMillis(150).toNanos());
    int firstPickOfCold = -1;
    Map<Endpoint, Integer> picks = new HashMap<>();
    for (int i = 0; i < 6_000; i++) {
      Endpoint endpoint = pool.pick(Set.of());
      if (endpoint == cold && firstPickOfCold < 0) {
        firstPickOfCold = i;
      }
      picks.merge(endpoint, 1, Integer::sum);
      ticker.advance(Duration.ofMillis(5));
      pool.report(endpoint, Outcome.SUCCESS, Duration.ofMillis(5).toNanos());
    }
    // One request every 5 ms: the cold endpoint is back within 4 s (800 requests).
    assertThat(firstPickOfCold).isBetween(0, 800);
    assertThat(picks.get(cold) / 6_000.0).isCloseTo(1 / 3.0, within(0.05));
  }

  @Test
  void aSlowerEndpointGetsLessThanItsEqualShare() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    Map<Endpoint, Long> service =
        Map.of(endpoints.get(0), 10L, endpoints.get(1), 10L, endpoints.get(2), 50L);
    Map<Endpoint, Integer> picks = simulate(pool, 30_000, service, Map.of());
    assertThat(picks.get(endpoints.get(2)) / 30_000.0).isLessThan(0.2);
  }

  @Test
  void anEndpointAnsweringFast503sLosesShareInsteadOfGainingIt() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    Endpoint failing = endpoints.get(2);
    Map<Endpoint, Long> service = Map.of(endpoints.get(0), 20L, endpoints.get(1), 20L, failing, 1L);
    Map<Endpoint, Integer> picks =
        simulate(pool, 30_000, service, Map.of(failing, Outcome.SERVER_ERROR));
    assertThat(picks.get(failing) / 30_000.0).isLessThan(0.05);
  }

  @Test
  void anEndpointThatRecoversIsProbedAgainAfterTheDecayPeriod() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    Endpoint failing = endpoints.get(2);
    Map<Endpoint, Long> service = Map.of(endpoints.get(0), 20L, endpoints.get(1), 20L, failing, 1L);
    simulate(pool, 5_000, service, Map.of(failing, Outcome.SERVER_ERROR));
    Map<Endpoint, Long> healthy =
        Map.of(endpoints.get(0), 20L, endpoints.get(1), 20L, failing, 20L);
    Map<Endpoint, Integer> picks = simulate(pool, 40_000, healthy, Map.of());
    assertThat(picks.get(failing) / 40_000.0).isGreaterThan(0.2);
  }

  @Test
  void neverPicksAnExcludedEndpoint() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Pool pool = pool(endpoints);
    for (int i = 0; i < 100; i++) {
      assertThat(pool.pick(Set.of(endpoints.get(0), endpoints.get(1)))).isSameAs(endpoints.get(2));
    }
  }
}
