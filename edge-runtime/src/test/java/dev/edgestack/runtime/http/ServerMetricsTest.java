package dev.edgestack.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServerMetrics metrics = ServerMetrics.of(registry);

  @Test
  void countsFinishedRequestsByMethodAndStatusUnderTheNamesTheDashboardsRead() {
    ServerMetrics.ByMethod get = metrics.of("GET");
    get.started();
    get.started();
    assertThat(activeRequests("GET")).isEqualTo(2.0);
    get.finished(200, TimeUnit.MILLISECONDS.toNanos(3));
    get.finished(503, TimeUnit.MILLISECONDS.toNanos(5));

    assertThat(activeRequests("GET")).isZero();
    assertThat(requests("GET", "200")).isEqualTo(1.0);
    assertThat(requests("GET", "503")).isEqualTo(1.0);
    var timer =
        registry
            .get("vertx.http.server.response.time")
            .tags("method", "GET", "code", "503", "route", "")
            .timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
  }

  @Test
  void reusesTheMetersOfAMethodAndStatus() {
    ServerMetrics.ByMethod get = metrics.of("GET");
    assertThat(metrics.of("GET")).isSameAs(get);
    for (int i = 0; i < 3; i++) {
      get.started();
      get.finished(204, 1);
    }
    assertThat(requests("GET", "204")).isEqualTo(3.0);
    assertThat(registry.find("vertx.http.server.requests").counters()).hasSize(1);
  }

  @Test
  void aRequestTheClientWalkedAwayFromLeavesTheGaugeButIsNotCounted() {
    ServerMetrics.ByMethod post = metrics.of("POST");
    post.started();
    post.abandoned();
    assertThat(activeRequests("POST")).isZero();
    assertThat(registry.find("vertx.http.server.requests").counters()).isEmpty();
  }

  @Test
  void boundsTheNumberOfMethodsAClientCanInvent() {
    for (int i = 0; i < 100; i++) {
      metrics.of("M" + i).started();
    }
    assertThat(registry.find("vertx.http.server.active.requests").gauges()).hasSizeLessThan(40);
    assertThat(activeRequests("OTHER")).isGreaterThan(60.0);
  }

  private double activeRequests(String method) {
    return registry.get("vertx.http.server.active.requests").tag("method", method).gauge().value();
  }

  private double requests(String method, String code) {
    return registry
        .get("vertx.http.server.requests")
        .tags("method", method, "code", code, "route", "")
        .counter()
        .count();
  }
}
