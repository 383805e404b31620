package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * The circuit breaker in front of one upstream pool. It opens when, over the last {@code window},
 * at least {@code minimumRequests} calls were made and at least {@code failureRatio} of them failed
 * (connect failure, timeout, reset, bad answer or a 5xx status; never a 4xx or a local rejection).
 * While open it answers 503 at once for {@code openFor}, then lets {@code halfOpenRequests} probes
 * through: all of them succeeding closes it, any failing opens it again.
 *
 * <pre>
 * circuitBreaker: {failureRatio: 0.5, minimumRequests: 20, window: 10s, openFor: 5s,
 *                  halfOpenRequests: 1}
 * </pre>
 */
public record CircuitBreakerConfig(
    double failureRatio,
    int minimumRequests,
    Duration window,
    Duration openFor,
    int halfOpenRequests) {
  public static final CircuitBreakerConfig DEFAULT =
      new CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(10), Duration.ofSeconds(5), 1);

  public CircuitBreakerConfig {
    if (!(failureRatio > 0 && failureRatio <= 1)) {
      throw new IllegalArgumentException("failureRatio: " + failureRatio + " (expected: (0, 1])");
    }
    if (minimumRequests < 1 || halfOpenRequests < 1) {
      throw new IllegalArgumentException(
          "minimumRequests, halfOpenRequests: "
              + minimumRequests
              + ", "
              + halfOpenRequests
              + " (expected: >= 1)");
    }
  }

  static CircuitBreakerConfig from(ConfigNode node) {
    node.requireOnly("failureRatio", "minimumRequests", "window", "openFor", "halfOpenRequests");
    double ratio = node.decimal("failureRatio", DEFAULT.failureRatio(), 0.01, 1.0);
    return new CircuitBreakerConfig(
        ratio,
        node.integer("minimumRequests", DEFAULT.minimumRequests(), 1, 100_000),
        node.duration("window", DEFAULT.window(), Duration.ofMillis(100)),
        node.duration("openFor", DEFAULT.openFor(), Duration.ofMillis(10)),
        node.integer("halfOpenRequests", DEFAULT.halfOpenRequests(), 1, 100));
  }
}
