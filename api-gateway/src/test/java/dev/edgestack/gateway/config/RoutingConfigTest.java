package dev.edgestack.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingConfigTest {
  private static final String HEAD =
      """
      instance: {name: gw}
      server: {port: 0}
      admin: {port: 0}
      upstreams:
        a: {endpoints: "127.0.0.1:8081"}
        b: {endpoints: "127.0.0.1:8082"}
      routes:
      """;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          wildcard origin with credentials | cors: {allowOrigins: ["*"], allowCredentials: true} | routes[0].cors.allowCredentials: "true" (expected: false when allowOrigins has *
          origin with a path | cors: {allowOrigins: ["https://a.example/x"]} | routes[0].cors.allowOrigins: "https://a.example/x"
          cors method not on the route | cors: {allowOrigins: ["*"], allowMethods: [DELETE]} | routes[0].cors.allowMethods: "DELETE" (expected: methods of the route [GET])
          identity header edit | requestHeaders: {set: {X-Auth-Subject: root}} | routes[0].requestHeaders.set: "X-Auth-Subject"
          hop-by-hop header edit | responseHeaders: {remove: [Transfer-Encoding]} | routes[0].responseHeaders.remove: "Transfer-Encoding"
          request id rename | requestHeaders: {rename: {X-Old: X-Request-Id}} | routes[0].requestHeaders.rename: "X-Request-Id"
          bad regex | headers: [{name: X-A, matches: "a("}] | routes[0].headers[0].matches: "a("
          two header tests | headers: [{name: X-A, equals: b, matches: c}] | routes[0].headers[0].equals
          bad host | hosts: ["*.*.example.com"] | routes[0].hosts: "*.*.example.com"
          """)
  void rejectsABadRoutingRuleNamingTheKey(String name, String rule, String message) {
    String yaml =
        HEAD + "  - {id: r, path: /x, auth: none, upstream: a, upstreamPath: /x, " + rule + "}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml))).hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          one side only | split: [{upstream: a, weight: 1}] | routes[0].split: "1 upstream(s)" (expected: a list of at least two
          unknown upstream | split: [{upstream: a, weight: 1}, {upstream: z, weight: 1}] | routes[0].split[1].upstream: "z"
          all weights zero | split: [{upstream: a, weight: 0}, {upstream: b, weight: 0}] | at least one weight above 0
          bad sticky | split: [{upstream: a, weight: 1}, {upstream: b, weight: 1}], sticky: ip | routes[0].sticky: "ip"
          """)
  void rejectsABadSplit(String name, String rule, String message) {
    String yaml = HEAD + "  - {id: r, path: /x, auth: none, upstreamPath: /x, " + rule + "}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml))).hasMessageContaining(message);
  }

  @Test
  void readsConditionsPriorityCorsAndEdits() {
    String yaml =
        HEAD
            + """
              - id: r
                path: /x/**
                methods: [GET, POST]
                auth: none
                priority: 5
                hosts: ["*.Example.com", api.example.org]
                headers: [{name: X-A}, {name: X-B, equals: "1"}, {name: X-C, matches: "v[0-9]+"}]
                query: [{name: q, equals: "2"}]
                cors: {allowOrigins: ["https://App.example.com"], allowCredentials: true}
                requestHeaders: {set: {X-Api: "2"}}
                split: [{upstream: a, weight: 9}, {upstream: b, weight: 1}]
                sticky: cookie:session
                upstreamPath: /y
            """;

    RouteConfig route = GatewayConfig.from(parse(yaml)).routes().get(0);

    assertThat(route.path().isPrefix()).isTrue();
    assertThat(route.rules().priority()).isEqualTo(5);
    assertThat(route.rules().conditions().hosts())
        .containsExactly("*.example.com", "api.example.org");
    assertThat(route.rules().conditions().count()).isEqualTo(5);
    CorsPolicy cors = route.rules().cors().orElseThrow();
    assertThat(cors.allows("https://app.example.com")).isTrue();
    assertThat(cors.allows("https://evil.example.com")).isFalse();
    assertThat(cors.allowMethods()).containsExactlyInAnyOrder("GET", "POST");
    RouteTarget.Split split = (RouteTarget.Split) route.target();
    assertThat(split.split().sticky()).contains(new TrafficSplit.Sticky(true, "session"));
  }

  private static dev.edgestack.runtime.config.ConfigNode parse(String yaml) {
    return ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
  }
}
