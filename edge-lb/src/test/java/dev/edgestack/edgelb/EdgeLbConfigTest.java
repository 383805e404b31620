package dev.edgestack.edgelb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.balancer.BalancingStrategy;
import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.listener.ListenerConfig;
import dev.edgestack.runtime.process.RuntimeSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped config/edge-lb.yaml is valid and says what the demo promises. */
class EdgeLbConfigTest {
  @Test
  void theDemoEdgeBalancesGatewaysWithPowerOfTwoChoices() {
    ConfigNode root = ConfigLoader.withVariables(Map.of()).load(Path.of("../config/edge-lb.yaml"));
    PoolConfig pool = PoolConfig.from(root.object("pool"), "gateways");
    assertThat(pool.strategy()).isEqualTo(BalancingStrategy.Kind.POWER_OF_TWO_CHOICES);
    assertThat(pool.endpoints()).hasSize(3);
    assertThat(pool.outlierDetection().enabled()).isTrue();
    assertThat(pool.outlierDetection().consecutive5xx()).isZero();
    assertThat(pool.slowStart().enabled()).isTrue();
  }

  @Test
  void theDemoEdgeServesHttpsWithASelfSignedCertificateOn8443() {
    ConfigNode root = ConfigLoader.withVariables(Map.of()).load(Path.of("../config/edge-lb.yaml"));
    ListenerConfig listener = RuntimeSettings.from(root).listener();
    assertThat(listener.tls())
        .hasValueSatisfying(
            tls -> {
              assertThat(tls.port()).isEqualTo(8443);
              assertThat(tls.selfSigned()).isTrue();
            });
    assertThat(listener.http2()).isTrue();
    assertThat(listener.h2c()).as("h2c would weaken strict parsing on 8080").isFalse();
  }

  @Test
  void gatewayListsFromTheEnvironmentMayCarryWeights() {
    ConfigNode root =
        ConfigLoader.withVariables(
                Map.of("GATEWAY_ENDPOINTS", "127.0.0.1:1@2;weight=3,127.0.0.1:3@4"))
            .load(Path.of("../config/edge-lb.yaml"));
    PoolConfig pool = PoolConfig.from(root.object("pool"), "gateways");
    assertThat(pool.endpoints()).extracting(e -> e.weight()).containsExactly(3, 1);
  }
}
