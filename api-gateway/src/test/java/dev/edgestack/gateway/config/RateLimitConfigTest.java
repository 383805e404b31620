package dev.edgestack.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policy model and the cluster's deployment modes, validated once at load. */
class RateLimitConfigTest {
  private static final String HEAD =
      """
      instance: {name: gw}
      server: {port: 0}
      admin: {port: 0}
      cluster: {name: test, host: 127.0.0.1, port: 5701, members: "127.0.0.1:5701"}
      auth:
        jwt: {issuer: iss, audience: aud, jwksUrl: "http://127.0.0.1:1/jwks", algorithms: [RS256]}
      upstreams:
        accounts: {endpoints: "127.0.0.1:8081"}
      """;

  @Test
  void readsEveryKeyOfAPolicy() {
    GatewayConfig config =
        load(
            """
            rateLimits:
              - name: per-subject-route
                key: [subject, route, header:X-Tenant]
                algorithm: gcra
                limit: 100
                period: 1s
                burst: 20
                cost: 2
                mode: shadow
                consistency: leased
                lease: {maxBatch: 8, ttl: 50ms}
                storeTimeout: 20ms
                storeBreaker: {failures: 5, openFor: 3s}
                onStoreFailure: local-share
                legacyHeaders: true
              - {name: window, key: client-address, algorithm: sliding-window, limit: 10, period: 1m}
              - {name: calls, key: client-address, limit: 10, period: 1m, callsInFlight: 3}
            routes:
              - {id: r, path: /a, auth: jwt, rateLimits: [per-subject-route, window, calls], upstream: accounts, upstreamPath: /a}
            """);

    RateLimitConfig policy = config.rateLimits().get("per-subject-route");
    assertThat(policy.key().parts())
        .containsExactly(
            new RateLimitKey.Part(RateLimitKey.Kind.SUBJECT, ""),
            new RateLimitKey.Part(RateLimitKey.Kind.ROUTE, ""),
            new RateLimitKey.Part(RateLimitKey.Kind.HEADER, "x-tenant"));
    assertThat(policy.burst()).isEqualTo(20);
    assertThat(policy.cost()).isEqualTo(2);
    assertThat(policy.mode()).isEqualTo(RateLimitMode.SHADOW);
    assertThat(policy.consistency()).isEqualTo(Consistency.LEASED);
    assertThat(policy.lease()).isEqualTo(new LeaseConfig(8, Duration.ofMillis(50)));
    assertThat(policy.storeTimeout()).isEqualTo(Duration.ofMillis(20));
    assertThat(policy.storeBreaker()).isEqualTo(new StoreBreakerConfig(5, Duration.ofSeconds(3)));
    assertThat(policy.onStoreFailure()).isEqualTo(StoreFailurePolicy.LOCAL_SHARE);
    assertThat(policy.legacyHeaders()).isTrue();
    RateLimitConfig window = config.rateLimits().get("window");
    assertThat(window.algorithm()).isEqualTo(LimitAlgorithmKind.SLIDING_WINDOW);
    assertThat(window.consistency()).isEqualTo(Consistency.EXACT);
    assertThat(window.callsInFlight()).isEqualTo(RateLimitConfig.CALLS_IN_FLIGHT);
    assertThat(config.rateLimits().get("calls").callsInFlight()).isEqualTo(3);
    assertThat(window.onStoreFailure()).isEqualTo(StoreFailurePolicy.FAIL_OPEN);
  }

  @ParameterizedTest(name = "limit {0}: maxBatch {1}")
  @CsvSource({"60, 100", "100000, 100", "250000, 250", "1000000, 1000"})
  void aLeaseWithoutMaxBatchTakesATenthOfAPercentOfTheLimitAndAtLeast100(int limit, int maxBatch) {
    GatewayConfig config =
        load(
            """
            rateLimits:
              - {name: none, key: subject, limit: %d, period: 1s, consistency: leased}
              - {name: ttl-only, key: subject, limit: %d, period: 1s, consistency: leased, lease: {ttl: 50ms}}
            routes:
              - {id: r, path: /a, auth: jwt, rateLimits: [none, ttl-only], upstream: accounts, upstreamPath: /a}
            """
                .formatted(limit, limit));

    assertThat(config.rateLimits().get("none").lease())
        .isEqualTo(new LeaseConfig(maxBatch, Duration.ofMillis(100)));
    assertThat(config.rateLimits().get("ttl-only").lease())
        .isEqualTo(new LeaseConfig(maxBatch, Duration.ofMillis(50)));
    assertThat(RateLimitConfig.of("p", limit, Duration.ofSeconds(1)).lease().maxBatch())
        .isEqualTo(maxBatch);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown key kind      | key: cookie, limit: 1, period: 1s                            | rateLimits[0].key: "cookie"
          api keys not yet      | key: api-key, limit: 1, period: 1s                           | api-key needs API-key authentication
          bad header name       | key: "header:a b", limit: 1, period: 1s                      | rateLimits[0].key: "header:a b"
          cost over burst       | key: client-address, limit: 5, period: 1s, cost: 6           | rateLimits[0].cost: "6"
          burst with window     | key: client-address, algorithm: sliding-window, limit: 5, period: 1s, burst: 2 | rateLimits[0].burst: "2"
          leased window         | key: client-address, algorithm: sliding-window, limit: 5, period: 1s, consistency: leased | rateLimits[0].consistency: "leased"
          lease without leased  | key: client-address, limit: 5, period: 1s, lease: {maxBatch: 4} | rateLimits[0].lease
          calls with leased     | key: client-address, limit: 5, period: 1s, consistency: leased, callsInFlight: 2 | rateLimits[0].callsInFlight: "2"
          too many calls        | key: client-address, limit: 5, period: 1s, callsInFlight: 9   | rateLimits[0].callsInFlight: "9"
          unknown mode          | key: client-address, limit: 5, period: 1s, mode: dry-run      | rateLimits[0].mode: "dry-run"
          unknown failure mode  | key: client-address, limit: 5, period: 1s, onStoreFailure: retry | rateLimits[0].onStoreFailure: "retry"
          zero breaker          | key: client-address, limit: 5, period: 1s, storeBreaker: {failures: 0} | rateLimits[0].storeBreaker.failures: "0"
          """)
  void rejectsABadPolicyNamingFileAndKey(String name, String policy, String message) {
    String yaml =
        "rateLimits:\n  - {name: p, "
            + policy.trim()
            + "}\nroutes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message.trim());
  }

  @Test
  void aSubjectKeyNeedsAJwtRoute() {
    String yaml =
        """
        rateLimits:
          - {name: per-subject, key: subject, limit: 5, period: 1s}
        routes:
          - {id: r, path: /a, auth: none, rateLimits: [per-subject], upstream: accounts, upstreamPath: /a}
        """;

    assertThatThrownBy(() -> load(yaml))
        .hasMessageContaining("test.yaml: routes[0].rateLimits: \"per-subject\"")
        .hasMessageContaining("auth jwt");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          client needs members    | {mode: client}                                                | cluster.members: missing
          client has no host      | {mode: client, members: "10.0.0.1:5701", host: 127.0.0.1}     | cluster.host: "127.0.0.1"
          dns needs a name        | {host: 0.0.0.0, port: 5701, discovery: dns}                   | cluster.dnsName: missing
          kubernetes needs dns    | {host: 0.0.0.0, port: 5701, discovery: kubernetes}            | cluster.kubernetesServiceDns: missing
          no multicast            | {host: 0.0.0.0, port: 5701, discovery: multicast}             | cluster.discovery: "multicast"
          host is an address      | {host: localhost, port: 5701, members: "127.0.0.1:5701"}      | cluster.host: "localhost"
          """)
  void rejectsABadClusterSection(String name, String cluster, String message) {
    String yaml =
        HEAD.replace(
                "cluster: {name: test, host: 127.0.0.1, port: 5701, members: \"127.0.0.1:5701\"}",
                "cluster: " + cluster.trim())
            + "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message.trim());
  }

  @Test
  void readsTheDeploymentModes() {
    String routes =
        "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";
    ClusterConfig client =
        GatewayConfig.from(
                parse(
                    HEAD.replace(
                            "{name: test, host: 127.0.0.1, port: 5701, members: \"127.0.0.1:5701\"}",
                            "{mode: client, members: \"10.0.0.1:5701,10.0.0.2:5701\"}")
                        + routes))
            .cluster()
            .orElseThrow();
    assertThat(client.mode()).isEqualTo(ClusterConfig.Mode.CLIENT);
    assertThat(client.members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");

    ClusterConfig dns =
        GatewayConfig.from(
                parse(
                    HEAD.replace(
                            "{name: test, host: 127.0.0.1, port: 5701, members: \"127.0.0.1:5701\"}",
                            "{host: 0.0.0.0, port: 5701, discovery: dns, dnsName: gateway}")
                        + routes))
            .cluster()
            .orElseThrow();
    assertThat(dns.discovery()).isEqualTo(ClusterConfig.Discovery.DNS);
    assertThat(dns.dnsName()).isEqualTo("gateway");
  }

  private static GatewayConfig load(String yaml) {
    return GatewayConfig.from(parse(HEAD + yaml));
  }

  private static ConfigNode parse(String yaml) {
    return ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
  }
}
