package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.candidates;
import static dev.edgestack.balancer.Endpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConsistentHashStrategyTest {
  private static long key(int i) {
    return HashConfig.hash("account-" + i);
  }

  @Test
  void theSameKeyGoesToTheSameEndpoint() {
    Picker picker =
        BalancingStrategy.consistentHash(1.25).newPicker(candidates(endpoints(1, 1, 1)));
    for (int i = 0; i < 1_000; i++) {
      assertThat(picker.pick(Set.of(), key(i))).isSameAs(picker.pick(Set.of(), key(i)));
    }
  }

  @Test
  void keysSpreadRoughlyByWeight() {
    List<Endpoint> endpoints = endpoints(1, 1, 2);
    Picker picker = BalancingStrategy.consistentHash(1.25).newPicker(candidates(endpoints));
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(picker.pick(Set.of(), key(i)), 1, Integer::sum);
    }
    assertThat(counts.get(endpoints.get(0)) / 40_000.0).isCloseTo(0.25, within(0.06));
    assertThat(counts.get(endpoints.get(2)) / 40_000.0).isCloseTo(0.5, within(0.08));
  }

  @Test
  void mostKeysStayInPlaceWhenAnEndpointLeaves() {
    List<Endpoint> endpoints = endpoints(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    Picker before = BalancingStrategy.consistentHash(1.25).newPicker(candidates(endpoints));
    Endpoint leaving = endpoints.get(3);
    List<Endpoint> rest = new ArrayList<>(endpoints);
    rest.remove(leaving);
    Picker after = BalancingStrategy.consistentHash(1.25).newPicker(candidates(rest));
    int moved = 0;
    int keys = 20_000;
    for (int i = 0; i < keys; i++) {
      Endpoint was = before.pick(Set.of(), key(i));
      Endpoint now = after.pick(Set.of(), key(i));
      if (was != leaving) {
        // With no load the bound never binds: only the leaving endpoint's keys move.
        assertThat(now).isSameAs(was);
      } else {
        moved++;
      }
    }
    assertThat((double) moved / keys).isLessThan(0.15);
  }

  @Test
  void noEndpointEverExceedsTheLoadBoundEvenForAHotKey() {
    List<Endpoint> endpoints = endpoints(1, 1, 1, 1, 1);
    double loadFactor = 1.25;
    Picker picker = BalancingStrategy.consistentHash(loadFactor).newPicker(candidates(endpoints));
    SplittableRandom random = new SplittableRandom(3);
    List<Endpoint> held = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      // Half of the requests carry one hot key; some requests finish at random.
      long hash = random.nextBoolean() ? key(0) : key(random.nextInt(1_000));
      int total = held.size();
      Endpoint chosen = picker.pick(Set.of(), hash);
      double bound = Math.ceil(loadFactor * (total + 1) / endpoints.size());
      assertThat(chosen.inFlight() + 1).isLessThanOrEqualTo((int) bound);
      chosen.started();
      held.add(chosen);
      if (held.size() > 50 || random.nextInt(3) == 0) {
        held.remove(random.nextInt(held.size())).finished();
      }
    }
  }
}
