package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * How latency estimates are kept: samples decay over {@code decay}; a failed attempt (5xx, connect
 * failure, timeout, reset) enters as at least {@code errorPenalty}, so that failing fast never
 * looks fast.
 *
 * <pre>
 * latency: {decay: 10s, errorPenalty: 1s}
 * </pre>
 */
public record LatencyConfig(Duration decay, Duration errorPenalty) {
  public static final LatencyConfig DEFAULT =
      new LatencyConfig(Duration.ofSeconds(10), Duration.ofSeconds(1));

  public static LatencyConfig from(ConfigNode node) {
    node.requireOnly("decay", "errorPenalty");
    return new LatencyConfig(
        node.duration("decay", DEFAULT.decay(), Duration.ofMillis(100)),
        node.duration("errorPenalty", DEFAULT.errorPenalty(), Duration.ofMillis(1)));
  }

  /** Adds one attempt's latency to the endpoint's estimate. */
  void observe(Endpoint endpoint, Outcome outcome, long latencyNanos, long now) {
    if (!outcome.concernsEndpoint()) {
      return;
    }
    double sample =
        outcome.isFailure() ? Math.max(latencyNanos, errorPenalty.toNanos()) : latencyNanos;
    endpoint.latency().record(sample, now, decay.toNanos());
  }
}
