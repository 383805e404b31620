package dev.edgestack.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolConfigTest {
  private static PoolConfig parse(String yaml) {
    return PoolConfig.from(ConfigLoader.withVariables(Map.of()).parse("pool.yaml", yaml), "p");
  }

  @Test
  void theCommaSeparatedFormStillWorksAndWeightsAreOptional() {
    PoolConfig config = parse("endpoints: 127.0.0.1:8101@9101,127.0.0.1:8102@9102;weight=3\n");
    assertThat(config.endpoints())
        .containsExactly(
            new EndpointSpec(new EndpointAddress("127.0.0.1", 8101, 9101), 1),
            new EndpointSpec(new EndpointAddress("127.0.0.1", 8102, 9102), 3));
    assertThat(config.strategy()).isEqualTo(BalancingStrategy.Kind.ROUND_ROBIN);
    assertThat(config.outlierDetection().enabled()).isFalse();
    assertThat(config.slowStart().enabled()).isFalse();
    assertThat(config.retry().attempts()).isEqualTo(2);
  }

  @Test
  void readsEveryPolicy() {
    PoolConfig config =
        parse(
            """
            endpoints: [127.0.0.1:1, "127.0.0.1:2;weight=2"]
            strategy: consistent-hash
            hash: {on: header, name: X-Account-Id, loadFactor: 1.5}
            slowStart: {window: 30s, aggression: 2, minWeight: 0.2}
            outlierDetection: {consecutive5xx: 3, baseEjectionTime: 5s}
            panic: {threshold: 0.5, mode: use-all}
            retry: {attempts: 3, idempotent: true, on: [reset, 503], budget: {ratio: 0.1}}
            limits: {maxRequestsPerEndpoint: 8, queueSize: 4, queueTimeout: 200ms}
            """);
    assertThat(config.hash())
        .isEqualTo(new HashConfig(HashConfig.Source.HEADER, "X-Account-Id", 1.5));
    assertThat(config.slowStart().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.outlierDetection().enabled()).isTrue();
    assertThat(config.outlierDetection().consecutive5xx()).isEqualTo(3);
    assertThat(config.panic().mode()).isEqualTo(PanicConfig.Mode.USE_ALL);
    assertThat(config.retry().retriesOn(Outcome.RESET)).isTrue();
    assertThat(config.retry().retriesOn(Outcome.TIMEOUT)).isFalse();
    assertThat(config.retry().retriesOnStatus(503)).isTrue();
    assertThat(config.retry().retriesOnStatus(500)).isFalse();
    assertThat(config.retry().mayRetrySent("GET", false)).isTrue();
    assertThat(config.retry().mayRetrySent("POST", false)).isFalse();
    assertThat(config.retry().mayRetrySent("PUT", true)).isFalse();
    assertThat(config.limits()).isEqualTo(new LimitsConfig(8, 4, Duration.ofMillis(200)));
  }

  @Test
  void anIdleTimeoutDefaultsToTheRequestTimeoutAndIsReadApart() {
    PoolConfig byDefault = parse("endpoints: 127.0.0.1:1\ntimeouts: {request: 4s}\n");
    assertThat(byDefault.idleTimeout()).isEqualTo(Duration.ofSeconds(4));
    PoolConfig apart = parse("endpoints: 127.0.0.1:1\ntimeouts: {request: 4s, idle: 50s}\n");
    assertThat(apart.requestTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(apart.idleTimeout()).isEqualTo(Duration.ofSeconds(50));
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1\ntimeouts: {idle: forever}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pool.yaml: timeouts.idle: \"forever\"")
        .hasMessageContaining("a duration from 1ms");
  }

  @Test
  void errorsNameTheKeyAndWhatWasExpected() {
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1;weight=0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pool.yaml: endpoints: \"127.0.0.1:1;weight=0\"")
        .hasMessageContaining("weight=1..1000");
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1,127.0.0.1:1\n"))
        .hasMessageContaining("each host:port once");
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1\nstrategy: fastest\n"))
        .hasMessageContaining("power-of-two-choices");
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1\nhash: {on: path}\n"))
        .hasMessageContaining("consistent-hash");
    assertThatThrownBy(
            () -> parse("endpoints: 127.0.0.1:1\nstrategy: consistent-hash\nhash: {on: header}\n"))
        .hasMessageContaining("hash.name");
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1\nretry: {on: [418]}\n"))
        .hasMessageContaining("retry.on: \"418\"");
    assertThatThrownBy(() -> parse("endpoints: 127.0.0.1:1\npanic: {mode: shrug}\n"))
        .hasMessageContaining("fail, use-all");
  }

  @Test
  void endpointSpecsRoundTrip() {
    for (String text : new String[] {"h:1", "h:1@2", "h:1@2;weight=5", "[::1]:80;weight=2"}) {
      assertThat(EndpointSpec.parse(text)).hasToString(text);
    }
  }
}
