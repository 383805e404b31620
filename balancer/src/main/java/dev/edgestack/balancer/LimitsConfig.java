package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * Per-endpoint concurrency limits with a bounded queue at the balancer: an endpoint takes at most
 * {@code maxRequestsPerEndpoint} requests at once; when every candidate is full, up to {@code
 * queueSize} requests wait at most {@code queueTimeout} for room. A request the queue turns away is
 * answered 503 and never counts against an endpoint.
 *
 * <pre>
 * limits: {maxRequestsPerEndpoint: 64, queueSize: 256, queueTimeout: 1s}
 * </pre>
 */
public record LimitsConfig(int maxRequestsPerEndpoint, int queueSize, Duration queueTimeout) {
  public static final LimitsConfig DEFAULT = new LimitsConfig(64, 256, Duration.ofSeconds(1));

  public static LimitsConfig from(ConfigNode node) {
    node.requireOnly("maxRequestsPerEndpoint", "queueSize", "queueTimeout");
    return new LimitsConfig(
        node.integer("maxRequestsPerEndpoint", DEFAULT.maxRequestsPerEndpoint(), 1, 100_000),
        node.integer("queueSize", DEFAULT.queueSize(), 0, 1_000_000),
        node.duration("queueTimeout", DEFAULT.queueTimeout(), Duration.ofMillis(1)));
  }
}
