package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.candidates;
import static dev.edgestack.balancer.Endpoints.counts;
import static dev.edgestack.balancer.Endpoints.endpoints;
import static dev.edgestack.balancer.Endpoints.longestRun;
import static dev.edgestack.balancer.Endpoints.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinStrategyTest {
  private final List<Endpoint> endpoints = endpoints(5, 1, 1);
  private final Picker picker =
      BalancingStrategy.weightedRoundRobin().newPicker(candidates(endpoints));

  @Test
  void sharesEqualTheWeightsInEveryCycle() {
    for (int cycle = 0; cycle < 100; cycle++) {
      Map<Endpoint, Integer> counts = counts(sequence(picker, 7));
      assertThat(counts)
          .containsEntry(endpoints.get(0), 5)
          .containsEntry(endpoints.get(1), 1)
          .containsEntry(endpoints.get(2), 1);
    }
  }

  @Test
  void aWeightFiveEndpointIsNeverPickedFiveTimesInARow() {
    List<Endpoint> picked = sequence(picker, 7_000);
    assertThat(longestRun(picked)).isLessThan(5);
  }

  @Test
  void everyPrefixOfTheSequenceStaysWithinOnePickOfTheWeights() {
    List<Endpoint> many = endpoints(3, 2, 7, 1, 4);
    Picker weighted = BalancingStrategy.weightedRoundRobin().newPicker(candidates(many));
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int k = 1; k <= 1_700; k++) {
      counts.merge(weighted.pick(Set.of()), 1, Integer::sum);
      for (Endpoint endpoint : many) {
        double expected = k * endpoint.weight() / 17.0;
        assertThat((double) counts.getOrDefault(endpoint, 0))
            .as("pick %d, weight %d", k, endpoint.weight())
            .isCloseTo(expected, within(1.0));
      }
    }
  }

  @Test
  void fractionalWeightsFromSlowStartGiveProportionalShares() {
    List<Endpoint> two = endpoints(1, 1);
    Picker ramping =
        BalancingStrategy.weightedRoundRobin()
            .newPicker(List.of(new Candidate(two.get(0), 1), new Candidate(two.get(1), 0.25)));
    Map<Endpoint, Integer> counts = counts(sequence(ramping, 5_000));
    assertThat(counts.get(two.get(1))).isEqualTo(1_000);
  }

  @Test
  void skipsExcludedEndpoints() {
    Set<Endpoint> tried = Set.of(endpoints.get(0));
    for (int i = 0; i < 10; i++) {
      assertThat(picker.pick(tried)).isNotSameAs(endpoints.get(0));
    }
    assertThat(picker.pick(Set.copyOf(endpoints))).isNull();
  }
}
