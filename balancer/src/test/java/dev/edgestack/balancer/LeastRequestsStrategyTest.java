package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.candidates;
import static dev.edgestack.balancer.Endpoints.counts;
import static dev.edgestack.balancer.Endpoints.endpoints;
import static dev.edgestack.balancer.Endpoints.longestRun;
import static dev.edgestack.balancer.Endpoints.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastRequestsStrategyTest {
  @Test
  void picksTheEndpointWithFewestRequestsInFlight() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    endpoints.get(0).started();
    endpoints.get(0).started();
    endpoints.get(2).started();
    Picker picker = BalancingStrategy.leastRequests().newPicker(candidates(endpoints));
    assertThat(picker.pick(Set.of())).isSameAs(endpoints.get(1));
  }

  @Test
  void anIdlePoolTakesTurnsInsteadOfFavouringTheFirst() {
    List<Endpoint> endpoints = endpoints(1, 1, 1);
    Picker picker = BalancingStrategy.leastRequests().newPicker(candidates(endpoints));
    List<Endpoint> picked = sequence(picker, 300);
    assertThat(counts(picked).values()).containsOnly(100);
    assertThat(longestRun(picked)).isEqualTo(1);
  }

  @Test
  void heldRequestsSpreadInProportionToWeights() {
    List<Endpoint> endpoints = endpoints(1, 2, 3);
    Picker picker = BalancingStrategy.leastRequests().newPicker(candidates(endpoints));
    List<Endpoint> held = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Endpoint endpoint = picker.pick(Set.of());
      endpoint.started();
      held.add(endpoint);
    }
    assertThat(endpoints.get(0).inFlight()).isBetween(99, 101);
    assertThat(endpoints.get(1).inFlight()).isBetween(199, 201);
    assertThat(endpoints.get(2).inFlight()).isBetween(299, 301);
  }
}
