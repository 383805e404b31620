package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolTest {
  private final Endpoint a = endpoint(1);
  private final Endpoint b = endpoint(2);
  private final Endpoint c = endpoint(3);
  private final Pool pool = new Pool("test", BalancingStrategy.roundRobin(), List.of(a, b, c));

  private static Endpoint endpoint(int port) {
    return new Endpoint(new EndpointAddress("127.0.0.1", port, port), 1, true);
  }

  @Test
  void roundRobinGivesEqualSharesAndNeverTheSameTwiceInARow() {
    Map<Endpoint, Integer> counts = new HashMap<>();
    Endpoint previous = null;
    for (int i = 0; i < 300; i++) {
      Endpoint picked = pool.pick(Set.of());
      assertThat(picked).isNotEqualTo(previous);
      counts.merge(picked, 1, Integer::sum);
      previous = picked;
    }
    assertThat(counts).containsEntry(a, 100).containsEntry(b, 100).containsEntry(c, 100);
  }

  @Test
  void skipsEndpointsAlreadyTried() {
    Set<Endpoint> tried = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Endpoint picked = pool.pick(tried);
      assertThat(tried).doesNotContain(picked);
      tried.add(picked);
    }
    assertThat(pool.pick(tried)).isNull();
  }

  @Test
  void unhealthyAndDrainingEndpointsGetNoNewRequests() {
    assertThat(pool.markHealthy(b, false)).isTrue();
    assertThat(pool.markHealthy(b, false)).isFalse();
    pool.drain(c, true);
    assertThat(pool.usableCount()).isEqualTo(1);
    for (int i = 0; i < 10; i++) {
      assertThat(pool.pick(Set.of())).isSameAs(a);
    }
    pool.markHealthy(a, false);
    assertThat(pool.pick(Set.of())).isNull();
    pool.markHealthy(b, true);
    assertThat(pool.pick(Set.of())).isSameAs(b);
  }
}
