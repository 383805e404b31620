package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.stack.testkit.StackExtension;
import dev.edgestack.stack.testkit.StackInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard and the Prometheus setup against the real thing: the hybrid topology as
 * processes, some traffic through it, then every instance's {@code /metrics}. Each metric and label
 * a dashboard query names must be exported, every series must carry the {@code instance} and {@code
 * role} labels Prometheus keeps (honor_labels), and the health paths the probes and the image's
 * health check ask must answer on every admin port.
 */
class DashboardMetricsTest {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("hybrid");

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+(?:\\s+\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern LEGEND_LABEL =
      Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** One parsed sample line: metric name and labels. */
  record Series(String metric, Map<String, String> labels) {}

  @BeforeAll
  static void sendTraffic() throws Exception {
    String token = STACK.token("alice", "accounts:read");
    for (int i = 0; i < 5; i++) {
      assertThat(get(STACK.entryUrl() + "/api/rates?base=EUR").statusCode()).isEqualTo(200);
      assertThat(
              get(
                      STACK.entryUrl() + "/api/accounts/acc-alice-1",
                      "Authorization",
                      "Bearer " + token)
                  .statusCode())
          .isEqualTo(200);
      get(
          STACK.entryUrl() + "/api/accounts/acc-alice-1/overview",
          "Authorization",
          "Bearer " + token);
      assertThat(get(STACK.entryUrl() + "/api/accounts/acc-alice-1").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void everyDashboardQueryReadsMetricsAndLabelsTheInstancesExport() {
    List<PromQuery> queries =
        GrafanaDashboardTest.queries().stream().map(PromQuery::parse).toList();
    Set<String> wanted = new TreeSet<>();
    queries.forEach(query -> wanted.addAll(query.metrics()));
    Map<String, Set<String>> exported = new TreeMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              exported.clear();
              exported.putAll(labelsByMetric(scrapeAll()));
              assertThat(exported.keySet()).as("metrics the instances export").containsAll(wanted);
            });
    for (PromQuery query : queries) {
      Set<String> available = new TreeSet<>();
      for (String metric : query.metrics()) {
        available.addAll(exported.get(metric));
      }
      for (String selectorLabel : query.selectorLabels()) {
        String[] metricAndLabel = selectorLabel.split("/");
        assertThat(exported.get(metricAndLabel[0]))
            .as("labels of %s in %s", metricAndLabel[0], query.expression())
            .contains(metricAndLabel[1]);
      }
      assertThat(available)
          .as("labels the query %s groups by", query.expression())
          .containsAll(query.groupingLabels());
    }
    for (String legend : legends()) {
      Matcher matcher = LEGEND_LABEL.matcher(legend);
      while (matcher.find()) {
        Set<String> all = new TreeSet<>();
        exported.values().forEach(all::addAll);
        assertThat(all).as("legend %s", legend).contains(matcher.group(1));
      }
    }
  }

  @Test
  void everySeriesNamesItsInstanceAndRole() throws Exception {
    for (StackInstance instance : STACK.instances()) {
      List<Series> series = scrape(instance);
      assertThat(series).as("series of %s", instance.name()).isNotEmpty();
      for (Series sample : series) {
        assertThat(sample.labels())
            .as("%s: labels of %s", instance.name(), sample.metric())
            .containsEntry("instance", instance.name())
            .containsEntry("role", instance.role().spelling());
      }
    }
  }

  @Test
  void healthPathsThatProbesAskAnswerOnEveryAdminPort() throws Exception {
    for (StackInstance instance : STACK.instances()) {
      for (String path : ContainerFiles.ADMIN_HEALTH_PATHS) {
        HttpResponse<String> response = get(STACK.adminUrl(instance.name()) + path);
        assertThat(response.statusCode()).as("%s %s", instance.name(), path).isEqualTo(200);
      }
    }
  }

  private static List<String> legends() {
    List<String> legends = new ArrayList<>();
    String json = ContainerFiles.read(GrafanaDashboardTest.DASHBOARD);
    Matcher matcher = Pattern.compile("\"legendFormat\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    while (matcher.find()) {
      legends.add(matcher.group(1));
    }
    return legends;
  }

  private static List<Series> scrapeAll() throws Exception {
    List<Series> all = new ArrayList<>();
    for (StackInstance instance : STACK.instances()) {
      all.addAll(scrape(instance));
    }
    return all;
  }

  private static List<Series> scrape(StackInstance instance) throws Exception {
    HttpResponse<String> response = get(STACK.adminUrl(instance.name()) + "/metrics");
    assertThat(response.statusCode()).as("/metrics of %s", instance.name()).isEqualTo(200);
    List<Series> series = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      assertThat(sample.matches()).as("%s: sample line %s", instance.name(), line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      series.add(new Series(sample.group(1), labels));
    }
    return series;
  }

  private static Map<String, Set<String>> labelsByMetric(List<Series> series) {
    Map<String, Set<String>> labels = new TreeMap<>();
    for (Series sample : series) {
      labels
          .computeIfAbsent(sample.metric(), metric -> new TreeSet<>())
          .addAll(sample.labels().keySet());
    }
    return labels;
  }

  private static HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
