package dev.edgestack.runtime.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code vertx_http_server_*} meters the dashboards read, recorded by each exchange instead of
 * by Vert.x's own server metrics (which look every meter up by its tags on every request): {@code
 * vertx_http_server_requests_total{method,code,route}}, the timer {@code
 * vertx_http_server_response_time_seconds{method,code,route}} and the gauge {@code
 * vertx_http_server_active_requests{method}}. The meters of one method and status are registered on
 * first use and then read from an array. {@code route} stays empty, as it was when Vert.x recorded
 * these meters, since a proxy tier names no route of its own.
 */
public final class ServerMetrics {
  private static final int FIRST_STATUS = 100;
  private static final int STATUSES = 500;
  // Standard methods, and a bounded number of others, each get their own meters.
  private static final int MAX_METHODS = 32;
  private static final String OTHER = "OTHER";

  // Found by identity first: the listeners name these methods by their (interned) literals.
  private static final String[] STANDARD = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"
  };

  private final MeterRegistry registry;
  private final Map<String, ByMethod> methods = new ConcurrentHashMap<>();
  // The meters of STANDARD[i], once looked up; a race stores the same meters twice, and their
  // final fields make them safe to read from any thread.
  private final ByMethod[] standard = new ByMethod[STANDARD.length];

  private ServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters registered in {@code registry}. */
  public static ServerMetrics of(MeterRegistry registry) {
    return new ServerMetrics(registry);
  }

  /** The meters of {@code method}: register them once, then reuse them on every request. */
  ByMethod of(String method) {
    for (int i = 0; i < STANDARD.length; i++) {
      if (STANDARD[i] == method) {
        ByMethod meters = standard[i];
        if (meters == null) {
          meters = lookUp(method);
          standard[i] = meters;
        }
        return meters;
      }
    }
    return lookUp(method);
  }

  private ByMethod lookUp(String method) {
    String name = method;
    ByMethod meters = methods.get(name);
    if (meters != null) {
      return meters;
    }
    if (methods.size() >= MAX_METHODS) {
      name = OTHER;
    }
    return methods.computeIfAbsent(name, ByMethod::new);
  }

  /** The meters of one method: its requests in flight and, per status, a counter and a timer. */
  public final class ByMethod {
    private final String method;
    // Every event loop changes it on every request: an adder keeps them off one contended line.
    private final LongAdder active = new LongAdder();
    private final AtomicReferenceArray<Finished> byStatus = new AtomicReferenceArray<>(STATUSES);

    private ByMethod(String method) {
      this.method = method;
      Gauge.builder("vertx.http.server.active.requests", active, LongAdder::sum)
          .description("Number of requests being processed")
          .tag("method", method)
          .register(registry);
    }

    void started() {
      active.increment();
    }

    /** Counts a request whose response ended with {@code status} after {@code nanos}. */
    void finished(int status, long nanos) {
      active.decrement();
      int index = Math.min(Math.max(status - FIRST_STATUS, 0), STATUSES - 1);
      Finished meters = byStatus.get(index);
      if (meters == null) {
        // Registering twice returns the same meters, so a race between event loops is harmless.
        meters = new Finished(method, String.valueOf(index + FIRST_STATUS));
        byStatus.set(index, meters);
      }
      meters.requests.increment();
      meters.responseTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request the client walked away from: no longer in flight, and no response to count. */
    void abandoned() {
      active.decrement();
    }

    private final class Finished {
      private final Counter requests;
      private final Timer responseTime;

      private Finished(String method, String code) {
        requests =
            Counter.builder("vertx.http.server.requests")
                .description("Number of processed requests")
                .tags("method", method, "code", code, "route", "")
                .register(registry);
        responseTime =
            Timer.builder("vertx.http.server.response.time")
                .description("Request processing time")
                .tags("method", method, "code", code, "route", "")
                .register(registry);
      }
    }
  }
}
