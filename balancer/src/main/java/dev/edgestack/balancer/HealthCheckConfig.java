package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * An active health check: an HTTP GET of {@code path} on the endpoint's health port that must
 * answer 2xx, or a TCP connect to that port. {@code rise} consecutive successes make an endpoint
 * healthy, {@code fall} consecutive failures unhealthy. Each check comes {@code interval} plus a
 * random share of {@code jitter} after the previous one, so that many balancers do not check in
 * step. {@code enabled: false} trusts every endpoint.
 *
 * <pre>
 * healthCheck: {type: http, path: /health/ready, interval: 1s, jitter: 100ms, timeout: 500ms,
 *               rise: 1, fall: 2, initialState: healthy}
 * </pre>
 */
public record HealthCheckConfig(
    boolean enabled,
    Type type,
    String path,
    Duration interval,
    Duration jitter,
    Duration timeout,
    int rise,
    int fall,
    boolean initiallyHealthy) {

  /** How an endpoint is checked. */
  public enum Type {
    HTTP,
    TCP
  }

  public static HealthCheckConfig from(ConfigNode node) {
    node.requireOnly(
        "enabled", "type", "path", "interval", "jitter", "timeout", "rise", "fall", "initialState");
    Type type = node.enumValue("type", Type.class, Type.HTTP);
    String path = node.string("path", "/health/ready");
    if (!path.startsWith("/")) {
      throw node.error("path", path, "an absolute path such as /health/ready");
    }
    Duration interval = node.duration("interval", Duration.ofSeconds(1), Duration.ofMillis(10));
    Duration timeout = node.duration("timeout", Duration.ofMillis(500), Duration.ofMillis(1));
    if (timeout.compareTo(interval) > 0) {
      throw node.error(
          "timeout",
          timeout.toMillis() + "ms",
          "at most the interval (" + interval.toMillis() + "ms)");
    }
    Duration jitter = node.duration("jitter", Duration.ZERO, Duration.ZERO);
    if (jitter.compareTo(interval) > 0) {
      throw node.error(
          "jitter",
          jitter.toMillis() + "ms",
          "at most the interval (" + interval.toMillis() + "ms)");
    }
    String initial = node.string("initialState", "healthy");
    if (!initial.equals("healthy") && !initial.equals("unhealthy")) {
      throw node.error("initialState", initial, "healthy or unhealthy");
    }
    return new HealthCheckConfig(
        node.bool("enabled", true),
        type,
        path,
        interval,
        jitter,
        timeout,
        node.integer("rise", 1, 1, 100),
        node.integer("fall", 2, 1, 100),
        initial.equals("healthy"));
  }
}
