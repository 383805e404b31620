package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.http.Exchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-route meters: {@code edge_gateway_requests_total{route,status}} with the status class ({@code
 * 2xx} ... {@code 5xx}; a client that went away counts as {@code 4xx}, as NGINX's 499) and the
 * timer {@code edge_gateway_request_duration_seconds{route}}. Tag values are bounded: the
 * configured route ids and {@code unmatched}, and five status classes.
 */
public final class RouteMetrics {
  public static final String UNMATCHED = "unmatched";
  private static final List<String> CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx");

  private final MeterRegistry registry;
  private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public RouteMetrics(MeterRegistry registry, List<RouteConfig> routes) {
    this.registry = registry;
    cover(routes);
    register(UNMATCHED);
  }

  /** Registers the meters of routes not seen before (a reload may add some). */
  public void cover(List<RouteConfig> routes) {
    for (RouteConfig route : routes) {
      if (!counters.containsKey(route.id())) {
        register(route.id());
      }
    }
  }

  private void register(String route) {
    Map<String, Counter> byClass = new HashMap<>();
    for (String statusClass : CLASSES) {
      byClass.put(
          statusClass,
          Counter.builder("edge_gateway_requests")
              .description("Requests answered by the gateway, by route and status class")
              .tag("route", route)
              .tag("status", statusClass)
              .register(registry));
    }
    counters.put(route, byClass);
    timers.put(
        route,
        Timer.builder("edge_gateway_request_duration")
            .description("Time from the request's arrival to the end of its answer, by route")
            .tag("route", route)
            .register(registry));
  }

  /** Records one finished exchange of {@code route} (or {@link #UNMATCHED}). */
  public void record(String route, Exchange exchange) {
    record(
        route,
        exchange.aborted() ? 499 : exchange.request().response().getStatusCode(),
        System.nanoTime() - exchange.startNanos());
  }

  /** Records one finished request of {@code route} that was answered {@code status}. */
  public void record(String route, int status, long durationNanos) {
    Map<String, Counter> byClass = counters.getOrDefault(route, counters.get(UNMATCHED));
    int index = Math.min(Math.max(status / 100, 1), 5) - 1;
    byClass.get(CLASSES.get(index)).increment();
    timers.getOrDefault(route, timers.get(UNMATCHED)).record(durationNanos, TimeUnit.NANOSECONDS);
  }
}
