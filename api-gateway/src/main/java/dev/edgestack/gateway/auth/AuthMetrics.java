package dev.edgestack.gateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code edge_gateway_auth_total{route,method,outcome}}: every authentication and authorization
 * decision of a route that needs credentials. Routes and methods come from config, so the series
 * stay bounded.
 */
public final class AuthMetrics {
  /** What happened to a request's credentials. */
  public enum Outcome {
    ALLOWED,
    MISSING,
    INVALID,
    BAD_REQUEST,
    UNAVAILABLE,
    FORBIDDEN;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final Outcome[] OUTCOMES = Outcome.values();

  private final MeterRegistry registry;
  // By route, then by method: both are strings of the config, so no key is built per request.
  private final Map<String, Map<String, Counter[]>> counters = new ConcurrentHashMap<>();

  public AuthMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String route, String method, Outcome outcome) {
    Counter[] byOutcome =
        counters
            .computeIfAbsent(route, ignored -> new ConcurrentHashMap<>())
            .computeIfAbsent(method, ignored -> new Counter[OUTCOMES.length]);
    Counter counter = byOutcome[outcome.ordinal()];
    if (counter == null) {
      // Racing threads register the same meter; the registry hands both the same counter.
      counter =
          Counter.builder("edge_gateway_auth")
              .description("Authentication and authorization decisions")
              .tag("route", route)
              .tag("method", method)
              .tag("outcome", outcome.tag())
              .register(registry);
      byOutcome[outcome.ordinal()] = counter;
    }
    counter.increment();
  }
}
