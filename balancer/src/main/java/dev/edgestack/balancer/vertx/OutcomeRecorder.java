package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The narrow interface through which the data path reports each attempt's outcome. Today it feeds
 * metrics; outlier detection and latency estimates will read the same reports.
 */
final class OutcomeRecorder {
  private final String pool;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  OutcomeRecorder(String pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  void report(Endpoint endpoint, Outcome outcome, long startNanos) {
    String endpointName = endpoint.address().toString();
    timers
        .computeIfAbsent(
            endpointName + "|" + outcome,
            ignored ->
                Timer.builder("edge_upstream_requests")
                    .description("Attempts sent to an endpoint, by outcome")
                    .tag("pool", pool)
                    .tag("endpoint", endpointName)
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
