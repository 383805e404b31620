package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PanicTest {
  private final List<Endpoint> endpoints = endpoints(1, 1, 1, 1);

  private Pool pool(PanicConfig panic) {
    return Pool.builder("panic", BalancingStrategy.roundRobin())
        .endpoints(endpoints)
        .panic(panic)
        .build();
  }

  @Test
  void byDefaultPanicsOnlyWhenNoEndpointIsUsableAndThenFindsNone() {
    Pool pool = pool(PanicConfig.DEFAULT);
    for (int i = 0; i < 3; i++) {
      pool.markHealthy(endpoints.get(i), false);
    }
    assertThat(pool.panicking()).isFalse();
    assertThat(pool.pick(Set.of())).isSameAs(endpoints.get(3));
    pool.markHealthy(endpoints.get(3), false);
    assertThat(pool.panicking()).isTrue();
    assertThat(pool.pick(Set.of())).isNull();
    pool.markHealthy(endpoints.get(0), true);
    assertThat(pool.panicking()).isFalse();
  }

  @Test
  void useAllSpreadsOverEveryEndpointThatIsNotDrainingBelowTheThreshold() {
    Pool pool = pool(new PanicConfig(0.5, PanicConfig.Mode.USE_ALL));
    pool.markHealthy(endpoints.get(0), false);
    assertThat(pool.panicking()).isFalse();
    pool.eject(endpoints.get(1), true);
    assertThat(pool.panicking()).isFalse();
    pool.drain(endpoints.get(2), true);
    assertThat(pool.panicking()).isTrue();
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      seen.add(pool.pick(Set.of()));
    }
    assertThat(seen)
        .containsExactlyInAnyOrder(endpoints.get(0), endpoints.get(1), endpoints.get(3));
  }

  @Test
  void failModeAnswersNothingBelowTheThresholdEvenWithSomeUsable() {
    Pool pool = pool(new PanicConfig(0.5, PanicConfig.Mode.FAIL));
    pool.markHealthy(endpoints.get(0), false);
    pool.markHealthy(endpoints.get(1), false);
    assertThat(pool.panicking()).isFalse();
    pool.markHealthy(endpoints.get(2), false);
    assertThat(pool.panicking()).isTrue();
    assertThat(pool.usableCount()).isEqualTo(1);
    assertThat(pool.pick(Set.of())).isNull();
  }
}
