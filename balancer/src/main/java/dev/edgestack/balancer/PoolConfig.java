package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one pool is built: its endpoints, strategy, active health check, timeouts and retries. Read
 * from config with {@link #from(ConfigNode, String)}.
 *
 * <pre>
 * endpoints: 127.0.0.1:8101@9101,127.0.0.1:8102@9102
 * strategy: round-robin
 * healthCheck: {path: /health/ready, interval: 1s, timeout: 500ms, rise: 1, fall: 2}
 * timeouts: {connect: 1s, request: 15s}
 * retry: {attempts: 3}
 * </pre>
 */
public record PoolConfig(
    String name,
    List<EndpointAddress> endpoints,
    BalancingStrategy.Kind strategy,
    HealthCheckConfig healthCheck,
    Duration connectTimeout,
    Duration requestTimeout,
    int attempts) {

  /**
   * Keys a pool mapping may hold; callers add their own (such as {@code name}, {@code pathPrefix}).
   */
  public static final List<String> KEYS =
      List.of("endpoints", "strategy", "healthCheck", "timeouts", "retry");

  public PoolConfig {
    endpoints = List.copyOf(endpoints);
  }

  /** Reads the pool keys of {@code node}; other keys of the node are the caller's to check. */
  public static PoolConfig from(ConfigNode node, String name) {
    List<String> written = node.strings("endpoints");
    if (written.isEmpty()) {
      throw node.error("endpoints", null, "at least one host:port[@healthPort]");
    }
    List<EndpointAddress> endpoints = new ArrayList<>();
    for (String text : written) {
      try {
        endpoints.add(EndpointAddress.parse(text));
      } catch (IllegalArgumentException e) {
        throw node.error("endpoints", text, "host:port or host:port@healthPort");
      }
    }
    ConfigNode timeouts = node.objectOrEmpty("timeouts").requireOnly("connect", "request");
    ConfigNode retry = node.objectOrEmpty("retry").requireOnly("attempts");
    return new PoolConfig(
        name,
        endpoints,
        node.enumValue(
            "strategy", BalancingStrategy.Kind.class, BalancingStrategy.Kind.ROUND_ROBIN),
        HealthCheckConfig.from(node.objectOrEmpty("healthCheck")),
        timeouts.duration("connect", Duration.ofSeconds(1), Duration.ofMillis(1)),
        timeouts.duration("request", Duration.ofSeconds(15), Duration.ofMillis(1)),
        retry.integer("attempts", 2, 1, 10));
  }
}
