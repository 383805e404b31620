package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.HealthCheckConfig;
import dev.edgestack.balancer.Pool;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active HTTP checks of every endpoint of a pool: a 2xx within the timeout is a success; rise and
 * fall thresholds turn streaks into health changes, which the pool publishes.
 */
final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final Vertx vertx;
  private final Pool pool;
  private final HealthCheckConfig config;
  private final HttpClient client;
  private final List<Long> timers = new ArrayList<>();
  private volatile boolean stopped;

  /** Checks share the pool's client: one connection pool per endpoint address, one metric set. */
  HealthChecker(
      Vertx vertx, Pool pool, HealthCheckConfig config, HttpClient client, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.client = client;
    for (Endpoint endpoint : pool.endpoints()) {
      Gauge.builder("edge_endpoint_healthy", endpoint, e -> e.healthy() ? 1 : 0)
          .description("1 when the endpoint passes its active health check")
          .tag("pool", pool.name())
          .tag("endpoint", endpoint.address().toString())
          .register(registry);
    }
  }

  void start() {
    if (!config.enabled()) {
      return;
    }
    for (Endpoint endpoint : pool.endpoints()) {
      int[] streak = {0};
      check(endpoint, streak);
      timers.add(vertx.setPeriodic(config.interval().toMillis(), id -> check(endpoint, streak)));
    }
  }

  // streak > 0 counts successes, < 0 failures; only the owning timer touches it (one context).
  private void check(Endpoint endpoint, int[] streak) {
    if (stopped) {
      return;
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(endpoint.address().host())
            .setPort(endpoint.address().healthPort())
            .setURI(config.path())
            .setConnectTimeout(config.timeout().toMillis())
            .setIdleTimeout(config.timeout().toMillis());
    // The client's timeouts stop at the response head; this deadline covers the whole check.
    boolean[] done = {false};
    HttpClientRequest[] sent = {null};
    long deadline =
        vertx.setTimer(
            config.timeout().toMillis(),
            id -> {
              if (!done[0]) {
                done[0] = true;
                if (sent[0] != null) {
                  sent[0].reset();
                }
                record(
                    endpoint,
                    streak,
                    false,
                    "no answer within " + config.timeout().toMillis() + " ms");
              }
            });
    client
        .request(options)
        .compose(
            request -> {
              sent[0] = request;
              return request.send();
            })
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(
            result -> {
              if (done[0]) {
                return;
              }
              done[0] = true;
              vertx.cancelTimer(deadline);
              boolean passed =
                  result.succeeded() && result.result() >= 200 && result.result() < 300;
              record(
                  endpoint,
                  streak,
                  passed,
                  result.failed() ? String.valueOf(result.cause()) : "status " + result.result());
            });
  }

  private void record(Endpoint endpoint, int[] streak, boolean passed, String detail) {
    if (passed) {
      streak[0] = streak[0] > 0 ? streak[0] + 1 : 1;
      if (!endpoint.healthy() && streak[0] >= config.rise() && pool.markHealthy(endpoint, true)) {
        LOG.info("pool {}: endpoint {} is healthy again", pool.name(), endpoint);
      }
    } else {
      streak[0] = streak[0] < 0 ? streak[0] - 1 : -1;
      if (endpoint.healthy() && -streak[0] >= config.fall() && pool.markHealthy(endpoint, false)) {
        LOG.warn("pool {}: endpoint {} is unhealthy ({})", pool.name(), endpoint, detail);
      }
    }
  }

  void stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
  }
}
