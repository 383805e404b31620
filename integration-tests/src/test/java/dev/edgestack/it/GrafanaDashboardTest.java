package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana that compose provisions: a Prometheus data source pointing at the compose Prometheus
 * and the edge-stack dashboard, whose JSON is valid and whose queries all read. That every metric a
 * query names is really exported is checked against live scrapes in {@link DashboardMetricsTest}.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD = ContainerFiles.file("deploy/grafana/dashboards/edge-stack.json");
  static final Path DATASOURCES =
      ContainerFiles.file("deploy/grafana/provisioning/datasources/prometheus.yml");
  static final Path PROVIDERS =
      ContainerFiles.file("deploy/grafana/provisioning/dashboards/edge-stack.yml");

  /** The queries of every panel, panels nested in rows included. */
  static List<String> queries() {
    List<String> queries = new ArrayList<>();
    for (JsonObject panel : panels(dashboard())) {
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        queries.add(targets.getJsonObject(i).getString("expr"));
      }
    }
    return queries;
  }

  static JsonObject dashboard() {
    return new JsonObject(ContainerFiles.read(DASHBOARD));
  }

  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> panels = new ArrayList<>();
    JsonArray top = dashboard.getJsonArray("panels");
    for (int i = 0; i < top.size(); i++) {
      JsonObject panel = top.getJsonObject(i);
      panels.add(panel);
      JsonArray nested = panel.getJsonArray("panels", new JsonArray());
      for (int j = 0; j < nested.size(); j++) {
        panels.add(nested.getJsonObject(j));
      }
    }
    return panels;
  }

  @Test
  void dashboardIsValidJsonWithUniquePanelsThatQueryTheProvisionedDataSource() {
    JsonObject dashboard = dashboard();
    assertThat(dashboard.getString("uid")).isNotBlank();
    assertThat(dashboard.getString("title")).isNotBlank();
    String datasource = provisionedDataSourceUid();
    Set<Integer> ids = new HashSet<>();
    for (JsonObject panel : panels(dashboard)) {
      String title = panel.getString("title");
      assertThat(ids.add(panel.getInteger("id"))).as("panel id of %s is unique", title).isTrue();
      assertThat(panel.getJsonObject("gridPos")).as("gridPos of %s", title).isNotNull();
      String type = panel.getString("type");
      if (type.equals("row") || type.equals("text")) {
        continue;
      }
      assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo(datasource);
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as("queries of %s", title).isNotEmpty();
      for (int i = 0; i < targets.size(); i++) {
        JsonObject target = targets.getJsonObject(i);
        assertThat(target.getJsonObject("datasource").getString("uid")).isEqualTo(datasource);
        assertThat(PromQuery.parse(target.getString("expr")).metrics())
            .as("metrics of %s", target.getString("expr"))
            .isNotEmpty();
      }
    }
  }

  @Test
  void dashboardShowsEachTierTheBalancersHealthDecisionsAndRateLimits() {
    Set<String> metrics = new HashSet<>();
    queries().forEach(query -> metrics.addAll(PromQuery.parse(query).metrics()));
    assertThat(metrics)
        .contains(
            "vertx_http_server_requests_total",
            "vertx_http_server_response_time_seconds_sum",
            "edge_failures_total",
            "edge_upstream_requests_seconds_count",
            "edge_endpoint_healthy",
            "edge_outlier_ejections_total",
            "edge_retries_total",
            "edge_retry_budget_exhausted_total",
            "edge_pool_panic",
            "edge_gateway_requests_total",
            "edge_gateway_auth_total",
            "edge_gateway_circuit_state",
            "edge_gateway_compose_parts_total",
            "edge_ratelimit_decisions_total");
    assertThat(panels(dashboard()))
        .as("no placeholder text panels are left")
        .noneMatch(panel -> panel.getString("type").equals("text"));
  }

  @Test
  void grafanaLoadsTheDataSourceAndTheDashboardFromTheComposeMounts() {
    Map<String, Object> datasource = onlyEntry(DATASOURCES, "datasources");
    assertThat(datasource.get("type")).isEqualTo("prometheus");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    for (String topology : ContainerFiles.TOPOLOGIES) {
      ComposeProject compose = ComposeProject.of(topology);
      assertThat(ComposeProject.publishedPorts(compose.service("prometheus"))).containsValue(9090);
      Map<String, String> mounts = ComposeProject.mounts(compose.service("grafana"));
      assertThat(mounts)
          .containsEntry("/etc/grafana/provisioning", "./deploy/grafana/provisioning");
      Map<String, Object> provider = onlyEntry(PROVIDERS, "providers");
      Object path = ContainerFiles.map(provider.get("options"), "options").get("path");
      assertThat(mounts)
          .as("%s: the provider's folder is mounted", topology)
          .containsEntry(String.valueOf(path), "./deploy/grafana/dashboards");
    }
  }

  private static String provisionedDataSourceUid() {
    return String.valueOf(onlyEntry(DATASOURCES, "datasources").get("uid"));
  }

  private static Map<String, Object> onlyEntry(Path file, String key) {
    List<Object> entries = ContainerFiles.list(ContainerFiles.yamlMap(file).get(key), key);
    assertThat(entries).as("%s: %s", file, key).hasSize(1);
    return ContainerFiles.map(entries.get(0), key);
  }
}
