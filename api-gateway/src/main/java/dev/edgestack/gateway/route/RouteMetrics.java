package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.http.Exchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
  private final Map<String, Meters> meters = new ConcurrentHashMap<>();

  public RouteMetrics(MeterRegistry registry, List<RouteConfig> routes) {
    this.registry = registry;
    cover(routes);
    register(UNMATCHED);
  }

  /** Registers the meters of routes not seen before (a reload may add some). */
  public void cover(List<RouteConfig> routes) {
    for (RouteConfig route : routes) {
      if (!meters.containsKey(route.id())) {
        register(route.id());
      }
    }
  }

  private void register(String route) {
    Counter[] byClass = new Counter[CLASSES.size()];
    for (int i = 0; i < byClass.length; i++) {
      byClass[i] =
          Counter.builder("edge_gateway_requests")
              .description("Requests answered by the gateway, by route and status class")
              .tag("route", route)
              .tag("status", CLASSES.get(i))
              .register(registry);
    }
    Timer timer =
        Timer.builder("edge_gateway_request_duration")
            .description("Time from the request's arrival to the end of its answer, by route")
            .tag("route", route)
            .register(registry);
    meters.put(route, new Meters(byClass, timer));
  }

  /**
   * The meters of {@code route} (those of {@link #UNMATCHED} for a route not covered), for a caller
   * that records many requests of one route without looking it up each time.
   */
  public Meters meters(String route) {
    Meters found = meters.get(route);
    return found != null ? found : meters.get(UNMATCHED);
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
    meters(route).record(status, durationNanos);
  }

  /** One route's counters by status class and its timer. */
  public static final class Meters {
    private final Counter[] byClass;
    private final Timer timer;

    private Meters(Counter[] byClass, Timer timer) {
      this.byClass = byClass;
      this.timer = timer;
    }

    /** Records one finished request that was answered {@code status}. */
    public void record(int status, long durationNanos) {
      byClass[Math.min(Math.max(status / 100, 1), 5) - 1].increment();
      timer.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }
}
