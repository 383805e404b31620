package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.balancer.Pool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The narrow interface through which the data path reports each attempt's outcome: the pool's
 * latency estimates and outlier detection read it, and so does the per-endpoint request metric.
 */
final class OutcomeRecorder {
  private final Pool pool;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  OutcomeRecorder(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  void report(Endpoint endpoint, Outcome outcome, long startNanos) {
    long latency = System.nanoTime() - startNanos;
    pool.report(endpoint, outcome, latency);
    String endpointName = endpoint.address().toString();
    timers
        .computeIfAbsent(
            endpointName + "|" + outcome,
            ignored ->
                Timer.builder("edge_upstream_requests")
                    .description("Attempts sent to an endpoint, by outcome")
                    .tag("pool", pool.name())
                    .tag("endpoint", endpointName)
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry))
        .record(latency, TimeUnit.NANOSECONDS);
  }
}
