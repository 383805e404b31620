package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * An active HTTP health check: {@code rise} consecutive successes make an endpoint healthy, {@code
 * fall} consecutive failures unhealthy. {@code enabled: false} trusts every endpoint.
 */
public record HealthCheckConfig(
    boolean enabled,
    String path,
    Duration interval,
    Duration timeout,
    int rise,
    int fall,
    boolean initiallyHealthy) {

  public static HealthCheckConfig from(ConfigNode node) {
    node.requireOnly("enabled", "path", "interval", "timeout", "rise", "fall", "initialState");
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
    String initial = node.string("initialState", "healthy");
    if (!initial.equals("healthy") && !initial.equals("unhealthy")) {
      throw node.error("initialState", initial, "healthy or unhealthy");
    }
    return new HealthCheckConfig(
        node.bool("enabled", true),
        path,
        interval,
        timeout,
        node.integer("rise", 1, 1, 100),
        node.integer("fall", 2, 1, 100),
        initial.equals("healthy"));
  }
}
