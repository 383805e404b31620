package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.balancer.OutlierDetector;
import dev.edgestack.balancer.Pool;
import dev.edgestack.balancer.RetryBudget;
import dev.edgestack.runtime.config.ConfigNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The balancing metrics of one pool, named alike at every tier: endpoint state, in-flight requests
 * and latency estimate, ejections, panic, retries, budget exhaustion and the admission queue.
 */
final class PoolMeters {
  private final Pool pool;
  private final MeterRegistry registry;
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<AdmissionQueue.Rejection, Counter> rejections = new ConcurrentHashMap<>();
  private final Timer queueWait;

  PoolMeters(
      Pool pool,
      MeterRegistry registry,
      OutlierDetector outliers,
      RetryBudget budget,
      AdmissionQueue queue) {
    this.pool = pool;
    this.registry = registry;
    String name = pool.name();
    Gauge.builder("edge_pool_panic", pool, p -> p.panicking() ? 1 : 0)
        .description("1 while too few endpoints are usable and the panic behaviour applies")
        .tag("pool", name)
        .register(registry);
    Gauge.builder("edge_pool_usable_endpoints", pool, Pool::usableCount)
        .description("Endpoints that take new requests")
        .tag("pool", name)
        .register(registry);
    FunctionCounter.builder("edge_outlier_ejections", outliers, OutlierDetector::ejections)
        .description("Endpoints ejected by outlier detection")
        .tag("pool", name)
        .register(registry);
    FunctionCounter.builder("edge_retry_budget_exhausted", budget, RetryBudget::exhausted)
        .description("Retries refused because the retry budget was spent")
        .tag("pool", name)
        .register(registry);
    // Retries by connection failure exist from the start so that dashboards and alerts have a
    // series (at zero) before the first retry; retried statuses appear when they happen.
    for (Outcome outcome : Outcome.values()) {
      if (outcome.isLocalFailure()) {
        retryCounter(ConfigNode.spelling(outcome));
      }
    }
    Gauge.builder("edge_pool_queue_length", queue, AdmissionQueue::length)
        .description("Requests waiting for room on a full endpoint")
        .tag("pool", name)
        .register(registry);
    queueWait =
        Timer.builder("edge_pool_queue_wait")
            .description("Time requests waited in the admission queue")
            .tag("pool", name)
            .register(registry);
    pool.endpoints().forEach(this::endpoint);
  }

  /** Registers the gauges of one endpoint. */
  void endpoint(Endpoint endpoint) {
    String name = pool.name();
    String address = endpoint.address().toString();
    Gauge.builder("edge_endpoint_healthy", endpoint, e -> e.healthy() ? 1 : 0)
        .description("1 when the endpoint passes its active health check")
        .tag("pool", name)
        .tag("endpoint", address)
        .register(registry);
    Gauge.builder("edge_endpoint_ejected", endpoint, e -> e.ejected() ? 1 : 0)
        .description("1 while outlier detection keeps the endpoint out")
        .tag("pool", name)
        .tag("endpoint", address)
        .register(registry);
    Gauge.builder("edge_endpoint_in_flight", endpoint, Endpoint::inFlight)
        .description("Requests in flight on the endpoint")
        .tag("pool", name)
        .tag("endpoint", address)
        .register(registry);
    Gauge.builder("edge_endpoint_effective_weight", endpoint, pool::effectiveWeight)
        .description("Weight times slow-start factor")
        .tag("pool", name)
        .tag("endpoint", address)
        .register(registry);
    Gauge.builder(
            "edge_endpoint_latency_estimate_seconds",
            endpoint,
            e -> e.latency().hasSample() ? e.latency().nanos() / 1e9 : 0)
        .description("Decaying latency estimate; failures count as slow")
        .tag("pool", name)
        .tag("endpoint", address)
        .register(registry);
  }

  /** Removes the gauges of an endpoint that left the pool. */
  void forget(Endpoint endpoint) {
    String address = endpoint.address().toString();
    for (Meter meter : List.copyOf(registry.getMeters())) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith("edge_endpoint_")
          && pool.name().equals(id.getTag("pool"))
          && address.equals(id.getTag("endpoint"))) {
        registry.remove(meter);
      }
    }
  }

  void retry(String reason) {
    retryCounter(reason).increment();
  }

  private Counter retryCounter(String reason) {
    return retries.computeIfAbsent(
        reason,
        r ->
            Counter.builder("edge_retries")
                .description("Attempts retried on another endpoint, by reason")
                .tag("pool", pool.name())
                .tag("reason", r)
                .register(registry));
  }

  void rejected(AdmissionQueue.Rejection reason) {
    rejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("edge_pool_rejections")
                    .description(
                        "Requests the balancer turned away itself (never an endpoint's fault)")
                    .tag("pool", pool.name())
                    .tag("reason", r.name().toLowerCase(Locale.ROOT))
                    .register(registry))
        .increment();
  }

  Timer queueWait() {
    return queueWait;
  }
}
