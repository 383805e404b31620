package dev.edgestack.gateway.compose;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code edge_gateway_compose_parts_total{route, part, outcome}}: how each part of each composed
 * route ended ({@code answered}, {@code skipped} or a failure kind such as {@code
 * upstream-timeout}). Every label comes from the config or the failure taxonomy, so the series are
 * bounded.
 */
final class ComposeMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  ComposeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String route, String part, PartOutcome outcome) {
    if (registry == null) {
      return;
    }
    String tag = outcome.tag();
    counters
        .computeIfAbsent(
            route + '|' + part + '|' + tag,
            ignored ->
                Counter.builder("edge_gateway_compose_parts")
                    .description("Parts of composed routes, by outcome")
                    .tag("route", route)
                    .tag("part", part)
                    .tag("outcome", tag)
                    .register(registry))
        .increment();
  }
}
