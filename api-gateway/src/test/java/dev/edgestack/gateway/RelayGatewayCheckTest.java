package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.gateway.config.GatewayConfig;
import dev.edgestack.gateway.config.HeaderEdits;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the gateway on the relay refuses at load, and how response header edits become relay edits.
 */
class RelayGatewayCheckTest {
  private static final String BASE =
      """
      instance: {name: gw}
      server: {port: 0}
      admin: {port: 0}
      upstreams:
        accounts: {endpoints: "127.0.0.1:8081"}
        canary: {endpoints: "127.0.0.1:8082"}
      routes:
        - {id: plain, path: /plain, auth: none, upstream: accounts, upstreamPath: /}
        - id: split
          path: /split
          auth: none
          split: [{upstream: accounts, weight: 9}, {upstream: canary, weight: 1}]
          upstreamPath: /
          requestHeaders: {rename: {X-Old: X-New}}
          responseHeaders: {set: {Cache-Control: no-store}}
      """;

  @Test
  void proxyAndSplitRoutesPass() {
    assertThatCode(() -> RelayGateway.check("test.yaml", routes(""))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cors: {allowOrigins: [https://a.example]} | cors",
        "responseJson: {project: [id]} | responseJson",
        "responseHeaders: {rename: {X-A: X-B}} | responseHeaders.rename"
      })
  void aRouteTheRelayCannotServeIsRefusedNamingFileRouteAndKey(String rule, String key) {
    String route =
        "  - {id: special, path: /special, auth: none, upstream: accounts, upstreamPath: /, "
            + rule
            + "}\n";

    assertThatThrownBy(() -> RelayGateway.check("test.yaml", routes(route)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: routes[2]." + key + ": route \"special\"")
        .hasMessageContaining("server.engine: relay");
  }

  @Test
  void responseEditsRemoveWhatIsSetOrRemovedAndAddTheRest() {
    HeaderEdits route =
        new HeaderEdits(List.of("Server"), Map.of(), Map.of("Cache-Control", "no-store"), Map.of());

    RelayFieldEdits edits = RelayGateway.responseEdits(route, List.of());

    assertThat(edits.removed()).containsExactly("Server", "Cache-Control");
    assertThat(edits.addedCount()).isEqualTo(1);
    assertThat(edits.addedName(0) + ": " + edits.addedValue(0))
        .isEqualTo("Cache-Control: no-store");
    assertThat(RelayGateway.responseEdits(HeaderEdits.NONE, List.of()))
        .isSameAs(RelayFieldEdits.NONE);
  }

  private static List<dev.edgestack.gateway.config.RouteConfig> routes(String extra) {
    return GatewayConfig.from(ConfigLoader.withVariables(Map.of()).parse("test.yaml", BASE + extra))
        .routes();
  }
}
