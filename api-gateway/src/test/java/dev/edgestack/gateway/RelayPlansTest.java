package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.GatewayConfig;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the relay works out once per route, and again when a reload swaps the route table. */
class RelayPlansTest {
  private static final String BASE =
      """
      instance: {name: gw}
      server: {port: 0}
      admin: {port: 0}
      upstreams:
        accounts: {endpoints: "127.0.0.1:8081"}
      routes:
        - {id: plain, path: /plain, auth: none, upstream: accounts, upstreamPath: /v1/plain}
        - id: byId
          path: /items/{id}
          auth: none
          upstream: accounts
          upstreamPath: /v1/items/{id}
          responseHeaders: {set: {Cache-Control: no-store}}
      """;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aRouteWithoutPathValuesHasItsTargetAndEveryRouteItsResponseEditsOnce() {
    List<RouteConfig> routes = routes(BASE);
    RouteMetrics metrics = new RouteMetrics(registry, routes);
    RouteTable table = new RouteTable(routes);
    RelayPlans plans = new RelayPlans(new Forwarder(Map.of()), metrics, () -> table);

    RelayPlans.Plan plain = plans.of(route(table, "plain"));
    RelayPlans.Plan byId = plans.of(route(table, "byId"));

    assertThat(plans.of(route(table, "plain"))).isSameAs(plain);
    assertThat(plain.fixedTarget()).contains("/v1/plain");
    assertThat(byId.fixedTarget()).isEmpty();
    assertThat(byId.responseEdits().removed()).containsExactly("Cache-Control");
    plain.counted().done(204, null, 1_000);
    assertThat(
            registry
                .get("edge_gateway_requests")
                .tags("route", "plain", "status", "2xx")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aReloadedTableIsPlannedAfreshAndARouteOfTheOldOneStillGetsAPlan() {
    List<RouteConfig> first = routes(BASE);
    List<RouteConfig> second =
        routes(
            BASE.replace("/v1/plain", "/v2/plain")
                + "  - {id: added, path: /added, auth: none, upstream: accounts, upstreamPath: /}\n");
    RouteMetrics metrics = new RouteMetrics(registry, first);
    AtomicReference<RouteTable> table = new AtomicReference<>(new RouteTable(first));
    RelayPlans plans = new RelayPlans(new Forwarder(Map.of()), metrics, table::get);
    RouteConfig oldPlain = route(table.get(), "plain");
    plans.of(oldPlain);

    metrics.cover(second);
    table.set(new RouteTable(second));

    assertThat(plans.of(route(table.get(), "plain")).fixedTarget()).contains("/v2/plain");
    RelayPlans.Plan added = plans.of(route(table.get(), "added"));
    added.counted().done(503, null, 1_000);
    assertThat(
            registry
                .get("edge_gateway_requests")
                .tags("route", "added", "status", "5xx")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(plans.of(oldPlain).fixedTarget()).contains("/v1/plain");
  }

  private static RouteConfig route(RouteTable table, String id) {
    return table.routes().stream().filter(route -> route.id().equals(id)).findFirst().orElseThrow();
  }

  private static List<RouteConfig> routes(String yaml) {
    return GatewayConfig.from(ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml))
        .routes();
  }
}
