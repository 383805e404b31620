package dev.edgestack.runtime.listener;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the requests a listener answers itself, before any routing, because they broke the
 * listener's rules: malformed (400), too slow (408), too large (413, 414, 431), of an unknown
 * coding (501) or version (505). Such requests reach no handler, so neither the access log nor the
 * request meters see them; {@code edge_http_rejections_total{status}} does.
 */
public final class EdgeRejections {
  static final String NAME = "edge_http_rejections";
  // Registered up front, so that a dashboard or an alert sees zeros rather than no series.
  private static final int[] USUAL = {400, 408, 413, 414, 431, 501, 505};

  private final MeterRegistry registry;
  private final Map<Integer, Counter> byStatus = new ConcurrentHashMap<>();

  private EdgeRejections(MeterRegistry registry) {
    this.registry = registry;
    for (int status : USUAL) {
      counter(status);
    }
  }

  public static EdgeRejections of(MeterRegistry registry) {
    return new EdgeRejections(registry);
  }

  public void count(int status) {
    counter(status).increment();
  }

  private Counter counter(int status) {
    return byStatus.computeIfAbsent(
        status,
        code ->
            Counter.builder(NAME)
                .description(
                    "Requests the listener answered itself: malformed, too large or too slow")
                .tag("status", Integer.toString(code))
                .register(registry));
  }
}
