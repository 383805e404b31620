package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.candidates;
import static dev.edgestack.balancer.Endpoints.endpoints;
import static dev.edgestack.balancer.Endpoints.sequence;
import static dev.edgestack.balancer.Endpoints.share;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStrategyTest {
  private final SplittableRandom seeded = new SplittableRandom(42);

  @Test
  void sharesFollowWeightsWithinOnePercent() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    Picker picker = BalancingStrategy.random(() -> seeded).newPicker(candidates(endpoints));
    List<Endpoint> picked = sequence(picker, 60_000);
    assertThat(share(picked, endpoints.get(0))).isCloseTo(1 / 6.0, within(0.01));
    assertThat(share(picked, endpoints.get(1))).isCloseTo(2 / 6.0, within(0.01));
    assertThat(share(picked, endpoints.get(2))).isCloseTo(3 / 6.0, within(0.01));
  }

  @Test
  void findsTheOneEndpointNotExcluded() {
    List<Endpoint> endpoints = endpoints(100, 100, 1);
    Picker picker = BalancingStrategy.random(() -> seeded).newPicker(candidates(endpoints));
    Set<Endpoint> tried = Set.of(endpoints.get(0), endpoints.get(1));
    for (int i = 0; i < 100; i++) {
      assertThat(picker.pick(tried)).isSameAs(endpoints.get(2));
    }
    assertThat(picker.pick(Set.copyOf(endpoints))).isNull();
  }
}
