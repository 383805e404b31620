package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.HealthCheckConfig;
import dev.edgestack.balancer.Pool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active HTTP or TCP checks of every endpoint of a pool: a 2xx (or an open connection) within the
 * timeout is a success; rise and fall thresholds turn streaks into health changes, which the pool
 * publishes. Checks are spaced by the interval plus a random jitter.
 */
final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final Vertx vertx;
  private final Pool pool;
  private final HealthCheckConfig config;
  private final HttpClient client;
  private final NetClient tcp;
  private final Map<Endpoint, Long> timers = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /**
   * Checks have their own small clients: a check must never wait behind traffic for a pooled
   * connection, or a busy endpoint would look dead.
   */
  HealthChecker(Vertx vertx, Pool pool, HealthCheckConfig config) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMetricsName("health:" + pool.name())
                .setKeepAlive(true)
                .setConnectTimeout((int) config.timeout().toMillis()),
            new PoolOptions().setHttp1MaxSize(2));
    this.tcp =
        vertx.createNetClient(
            new NetClientOptions()
                .setMetricsName("health-tcp:" + pool.name())
                .setConnectTimeout((int) config.timeout().toMillis()));
  }

  void start() {
    pool.endpoints().forEach(this::watch);
  }

  /** Starts checking {@code endpoint} (one added at run time, or at start). */
  void watch(Endpoint endpoint) {
    if (!config.enabled() || stopped) {
      return;
    }
    int[] streak = {0};
    timers.put(endpoint, -1L);
    check(endpoint, streak);
    schedule(endpoint, streak);
  }

  private void schedule(Endpoint endpoint, int[] streak) {
    long jitter = config.jitter().toMillis();
    long delay =
        config.interval().toMillis()
            + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
    long timer =
        vertx.setTimer(
            delay,
            id -> {
              if (stopped || !timers.containsKey(endpoint)) {
                return;
              }
              check(endpoint, streak);
              schedule(endpoint, streak);
            });
    // Only replace the entry while the endpoint is still watched.
    timers.computeIfPresent(endpoint, (e, old) -> timer);
  }

  /** Stops checking a removed endpoint. */
  void unwatch(Endpoint endpoint) {
    Long timer = timers.remove(endpoint);
    if (timer != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  // streak > 0 counts successes, < 0 failures; only the owning timer touches it (one context).
  private void check(Endpoint endpoint, int[] streak) {
    if (stopped || !timers.containsKey(endpoint)) {
      return;
    }
    if (config.type() == HealthCheckConfig.Type.TCP) {
      checkTcp(endpoint, streak);
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

  /** A TCP check passes when a connection opens within the timeout; it is closed at once. */
  private void checkTcp(Endpoint endpoint, int[] streak) {
    tcp.connect(endpoint.address().healthPort(), endpoint.address().host())
        .onComplete(
            result -> {
              if (result.succeeded()) {
                result.result().close();
              }
              record(
                  endpoint,
                  streak,
                  result.succeeded(),
                  result.failed() ? String.valueOf(result.cause()) : "connected");
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

  Future<?> stop() {
    stopped = true;
    timers.values().stream().filter(id -> id >= 0).forEach(vertx::cancelTimer);
    timers.clear();
    return Future.join(client.close(), tcp.close());
  }
}
