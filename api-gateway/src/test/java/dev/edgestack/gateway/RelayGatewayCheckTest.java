package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.balancer.vertx.RelayRequest;
import dev.edgestack.gateway.config.GatewayConfig;
import dev.edgestack.gateway.config.HeaderEdits;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the gateway on the relay refuses at load, and how header changes become relay edits. */
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
  void unchangedFieldsGiveNoEditsAndChangedOnesAreReplacedWhole() {
    FakeRequest request =
        new FakeRequest("Accept", "a", "X-Old", "kept", "X-Multi", "1", "x-multi", "2");
    MultiMap headers = request.asHeaders();

    assertThat(RelayGateway.requestEdits(request, request.names(), headers))
        .isSameAs(RelayFieldEdits.NONE);

    headers.remove("X-Old");
    headers.add("X-New", "kept");
    headers.add("X-Multi", "3");
    RelayFieldEdits edits = RelayGateway.requestEdits(request, request.names(), headers);

    assertThat(edits.removed()).containsExactly("x-old", "x-multi");
    List<String> added = new ArrayList<>();
    for (int i = 0; i < edits.addedCount(); i++) {
      added.add(edits.addedName(i) + "=" + edits.addedValue(i));
    }
    assertThat(added).containsExactly("X-Multi=1", "X-Multi=2", "X-Multi=3", "X-New=kept");
  }

  @Test
  void responseEditsRemoveWhatIsSetOrRemovedAndAddTheRest() {
    HeaderEdits route =
        new HeaderEdits(List.of("Server"), Map.of(), Map.of("Cache-Control", "no-store"), Map.of());

    RelayFieldEdits edits = RelayGateway.responseEdits(route, List.of());

    assertThat(edits.removed()).containsExactly("server", "cache-control");
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

  /** A parsed head of name/value pairs. */
  private record FakeRequest(String... fields) implements RelayRequest {
    String[] names() {
      String[] names = new String[fields.length / 2];
      for (int i = 0; i < names.length; i++) {
        names[i] = fields[2 * i];
      }
      return names;
    }

    MultiMap asHeaders() {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i < fields.length; i += 2) {
        headers.add(fields[i], fields[i + 1]);
      }
      return headers;
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String target() {
      return "/";
    }

    @Override
    public String path() {
      return "/";
    }

    @Override
    public String query() {
      return null;
    }

    @Override
    public String host() {
      return "localhost";
    }

    @Override
    public String requestedHost() {
      return "localhost";
    }

    @Override
    public String peer() {
      return "127.0.0.1";
    }

    @Override
    public String clientAddress() {
      return "127.0.0.1";
    }

    @Override
    public String requestId() {
      return "id";
    }

    @Override
    public int fieldCount() {
      return fields.length / 2;
    }

    @Override
    public String fieldName(int index) {
      return fields[2 * index];
    }

    @Override
    public String fieldValue(int index) {
      return fields[2 * index + 1];
    }

    @Override
    public String header(String name) {
      List<String> values = headers(name);
      return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < fields.length; i += 2) {
        if (fields[i].equalsIgnoreCase(name)) {
          values.add(fields[i + 1]);
        }
      }
      return values;
    }
  }
}
