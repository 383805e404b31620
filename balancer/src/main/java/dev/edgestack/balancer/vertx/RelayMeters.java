package dev.edgestack.balancer.vertx;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's server metrics under the names and tags Vert.x's own HTTP server metrics use ({@code
 * vertx_http_server_requests_total}, {@code vertx_http_server_response_time_seconds}, {@code
 * vertx_http_server_active_connections}), so that dashboards read both listeners alike. Meters are
 * found per method and status without building tags per request; a method outside the standard ones
 * is counted as {@code OTHER}, so clients cannot grow the series.
 */
final class RelayMeters {
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private final MeterRegistry registry;
  private final String local;
  private final Map<Integer, Served>[] byMethod;

  @SuppressWarnings("unchecked")
  RelayMeters(MeterRegistry registry, String local, Collection<?> connections) {
    this.registry = registry;
    this.local = local;
    this.byMethod = new Map[METHODS.size() + 1];
    for (int i = 0; i < byMethod.length; i++) {
      byMethod[i] = new ConcurrentHashMap<>();
    }
    Gauge.builder("vertx.http.server.active.connections", connections, Collection::size)
        .description("Number of opened connections to the HTTP Server")
        .tag("local", local)
        .register(registry);
  }

  void served(String method, int status, long startNanos) {
    int index = METHODS.indexOf(method);
    int slot = index < 0 ? METHODS.size() : index;
    Served meters =
        byMethod[slot].computeIfAbsent(
            status, code -> new Served(index < 0 ? "OTHER" : METHODS.get(index), code));
    meters.requests.increment();
    meters.time.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private final class Served {
    final Counter requests;
    final Timer time;

    Served(String method, int code) {
      String status = Integer.toString(code);
      requests =
          Counter.builder("vertx.http.server.requests")
              .description("Number of processed requests")
              .tags("local", local, "method", method, "code", status, "route", "")
              .register(registry);
      time =
          Timer.builder("vertx.http.server.response.time")
              .description("Request processing time")
              .tags("local", local, "method", method, "code", status, "route", "")
              .register(registry);
    }
  }
}
