package dev.edgestack.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.AuthMode;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final RouteTable table =
      new RouteTable(
          List.of(
              route("overview", "/api/accounts/{id}/overview", HttpMethod.GET),
              route("account", "/api/accounts/{id}", HttpMethod.GET),
              route("account-write", "/api/accounts/{id}", HttpMethod.PUT),
              route("catch-all", "/api/accounts/{id}/{rest}", HttpMethod.GET)));

  @Test
  void firstMatchInConfigOrderWins() {
    RouteMatch match = table.match(HttpMethod.GET, "/api/accounts/acc%2D1/overview").result();

    assertThat(match.route().id()).isEqualTo("overview");
    assertThat(match.variables()).isEqualTo(Map.of("id", "acc-1"));
    assertThat(table.match(HttpMethod.PUT, "/api/accounts/a").result().route().id())
        .isEqualTo("account-write");
  }

  @Test
  void answers404WhenNoPathMatches() {
    assertThat(failure(table.match(HttpMethod.GET, "/api/other")).kind())
        .isEqualTo(FailureKind.NO_ROUTE);
  }

  @Test
  void answers405WithAllowWhenOnlyTheMethodDiffers() {
    EdgeFailure failure = failure(table.match(HttpMethod.DELETE, "/api/accounts/a"));

    assertThat(failure.kind()).isEqualTo(FailureKind.METHOD_NOT_ALLOWED);
    assertThat(failure.headers()).containsEntry("Allow", "GET, PUT");
  }

  @Test
  void answers400ForEncodedSlashesAndDotSegments() {
    assertThat(failure(table.match(HttpMethod.GET, "/api/accounts/a%2Fb")).kind())
        .isEqualTo(FailureKind.BAD_REQUEST);
    assertThat(failure(table.match(HttpMethod.GET, "/api/accounts/..")).kind())
        .isEqualTo(FailureKind.BAD_REQUEST);
    assertThat(failure(table.match(HttpMethod.GET, "/api/accounts/%2e%2E/overview")).kind())
        .isEqualTo(FailureKind.BAD_REQUEST);
  }

  @Test
  void higherPriorityWinsThenTheMoreSpecificPathThenFileOrder() {
    RouteTable ordered =
        new RouteTable(
            List.of(
                route("prefix", "/api/**", HttpMethod.GET),
                route("variable", "/api/{name}", HttpMethod.GET),
                route("literal", "/api/fixed", HttpMethod.GET),
                route("variable-twin", "/api/{other}", HttpMethod.GET)));

    assertThat(ordered.routes())
        .extracting(RouteConfig::id)
        .containsExactly("literal", "variable", "variable-twin", "prefix");
    assertThat(ordered.match(HttpMethod.GET, "/api/a/b").result().route().id()).isEqualTo("prefix");
    assertThat(ordered.match(HttpMethod.GET, "/api/a/b").result().variables())
        .isEqualTo(Map.of("**", "a/b"));
  }

  @Test
  void aPreflightWithoutACorsRouteIsAnOrdinaryOptionsRequest() {
    var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    headers.add("Origin", "https://a.example").add("Access-Control-Request-Method", "GET");
    RequestView preflight =
        new RequestView(
            HttpMethod.OPTIONS,
            "/api/accounts/a",
            java.util.Optional.empty(),
            headers,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap());

    assertThat(failure(table.match(preflight)).kind()).isEqualTo(FailureKind.METHOD_NOT_ALLOWED);
  }

  private static EdgeFailure failure(Future<RouteMatch> match) {
    assertThat(match.failed()).isTrue();
    return (EdgeFailure) match.cause();
  }

  private static RouteConfig route(String id, String path, HttpMethod method) {
    return new RouteConfig(
        id,
        PathTemplate.parse(path),
        Set.of(method),
        AuthMode.NONE,
        List.of(),
        List.of(),
        new RouteTarget.Proxy("up", UpstreamTemplate.parse("/x")));
  }
}
