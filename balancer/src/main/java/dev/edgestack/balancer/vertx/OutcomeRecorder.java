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
  private static final Outcome[] OUTCOMES = Outcome.values();
  private final Pool pool;
  private final MeterRegistry registry;
  // One timer per endpoint and outcome, found without building a key or tags per request.
  private final Map<Endpoint, Timer[]> timers = new ConcurrentHashMap<>();

  OutcomeRecorder(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
  }

  void report(Endpoint endpoint, Outcome outcome, long startNanos) {
    long latency = System.nanoTime() - startNanos;
    pool.report(endpoint, outcome, latency);
    Timer[] byOutcome = timers.get(endpoint);
    if (byOutcome == null) {
      byOutcome = timers.computeIfAbsent(endpoint, ignored -> new Timer[OUTCOMES.length]);
    }
    Timer timer = byOutcome[outcome.ordinal()];
    if (timer == null) {
      // Racing threads register the same meter; the registry hands both the same timer.
      timer =
          Timer.builder("edge_upstream_requests")
              .description("Attempts sent to an endpoint, by outcome")
              .tag("pool", pool.name())
              .tag("endpoint", endpoint.address().toString())
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry);
      byOutcome[outcome.ordinal()] = timer;
    }
    timer.record(latency, TimeUnit.NANOSECONDS);
  }

  /** Drops the cached timers of an endpoint that left the pool. */
  void forget(Endpoint endpoint) {
    timers.remove(endpoint);
  }
}
