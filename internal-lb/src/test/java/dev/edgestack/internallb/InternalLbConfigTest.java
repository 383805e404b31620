package dev.edgestack.internallb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.balancer.BalancingStrategy;
import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped config/internal-lb.yaml is valid and gives each service its own policy. */
class InternalLbConfigTest {
  @Test
  void eachServiceHasTheStrategyTheDemoPromises() {
    ConfigNode root =
        ConfigLoader.withVariables(Map.of()).load(Path.of("../config/internal-lb.yaml"));
    Map<String, PoolConfig> pools = new LinkedHashMap<>();
    for (ConfigNode node : root.objects("pools")) {
      pools.put(node.string("name"), PoolConfig.from(node, node.string("name")));
    }
    assertThat(pools.get("accounts").strategy())
        .isEqualTo(BalancingStrategy.Kind.WEIGHTED_ROUND_ROBIN);
    assertThat(pools.get("accounts").endpoints().get(0).weight()).isEqualTo(2);
    assertThat(pools.get("transactions").strategy())
        .isEqualTo(BalancingStrategy.Kind.POWER_OF_TWO_CHOICES);
    assertThat(pools.get("rates").strategy()).isEqualTo(BalancingStrategy.Kind.LEAST_REQUESTS);
    pools.values().forEach(pool -> assertThat(pool.retry().idempotent()).isTrue());
  }
}
