package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one pool is built: its endpoints, strategy and the policies around it. Read from config with
 * {@link #from(ConfigNode, String)}; every key but {@code endpoints} has a default.
 *
 * <pre>
 * endpoints: 127.0.0.1:8101@9101;weight=3,127.0.0.1:8102@9102
 * strategy: power-of-two-choices   # round-robin, weighted-round-robin, least-requests, random,
 *                                  # consistent-hash
 * hash: {on: header, name: X-Account-Id, loadFactor: 1.25}   # for consistent-hash
 * latency: {decay: 10s, errorPenalty: 1s}
 * slowStart: {window: 30s, aggression: 1.0, minWeight: 0.1}
 * healthCheck: {path: /health/ready, interval: 1s, timeout: 500ms, rise: 1, fall: 2}
 * outlierDetection: {consecutive5xx: 5, consecutiveLocalFailures: 5, baseEjectionTime: 30s}
 * panic: {threshold: 0.5, mode: use-all}
 * timeouts: {connect: 1s, request: 15s, idle: 50s}   # idle: by default the request timeout
 * retry: {attempts: 3, idempotent: true, on: [reset, 503], budget: {ratio: 0.2, minRetries: 3}}
 * limits: {maxRequestsPerEndpoint: 64, queueSize: 256, queueTimeout: 1s}
 * dns: {enabled: true, refresh: 5s}                         # off by default
 * debugHeader: {enabled: true, name: X-Balancer-Decision}   # off by default
 * </pre>
 */
public record PoolConfig(
    String name,
    List<EndpointSpec> endpoints,
    BalancingStrategy.Kind strategy,
    HashConfig hash,
    LatencyConfig latency,
    SlowStartConfig slowStart,
    HealthCheckConfig healthCheck,
    OutlierConfig outlierDetection,
    PanicConfig panic,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration idleTimeout,
    RetryConfig retry,
    LimitsConfig limits,
    DnsConfig dns,
    Optional<String> debugHeader) {

  /**
   * Keys a pool mapping may hold; callers add their own (such as {@code name}, {@code pathPrefix}).
   */
  public static final List<String> KEYS =
      List.of(
          "endpoints",
          "strategy",
          "hash",
          "latency",
          "slowStart",
          "healthCheck",
          "outlierDetection",
          "panic",
          "timeouts",
          "retry",
          "limits",
          "dns",
          "debugHeader");

  public PoolConfig {
    endpoints = List.copyOf(endpoints);
  }

  /** Reads the pool keys of {@code node}; other keys of the node are the caller's to check. */
  public static PoolConfig from(ConfigNode node, String name) {
    List<String> written = node.strings("endpoints");
    if (written.isEmpty()) {
      throw node.error("endpoints", null, "at least one " + EndpointSpec.EXPECTED);
    }
    List<EndpointSpec> endpoints = new ArrayList<>();
    for (String text : written) {
      EndpointSpec spec;
      try {
        spec = EndpointSpec.parse(text);
      } catch (IllegalArgumentException e) {
        throw node.error("endpoints", text, EndpointSpec.EXPECTED);
      }
      for (EndpointSpec earlier : endpoints) {
        if (earlier.address().equals(spec.address())) {
          throw node.error("endpoints", text, "each host:port once");
        }
      }
      endpoints.add(spec);
    }
    BalancingStrategy.Kind strategy =
        node.enumValue(
            "strategy", BalancingStrategy.Kind.class, BalancingStrategy.Kind.ROUND_ROBIN);
    if (node.has("hash") && strategy != BalancingStrategy.Kind.CONSISTENT_HASH) {
      throw node.error("hash", "(a mapping)", "hash settings only with strategy: consistent-hash");
    }
    ConfigNode timeouts = node.objectOrEmpty("timeouts").requireOnly("connect", "request", "idle");
    Duration requestTimeout =
        timeouts.duration("request", Duration.ofSeconds(15), Duration.ofMillis(1));
    return new PoolConfig(
        name,
        endpoints,
        strategy,
        HashConfig.from(node.objectOrEmpty("hash")),
        LatencyConfig.from(node.objectOrEmpty("latency")),
        SlowStartConfig.from(node.objectOrEmpty("slowStart")),
        HealthCheckConfig.from(node.objectOrEmpty("healthCheck")),
        OutlierConfig.from(node.objectOrEmpty("outlierDetection")),
        PanicConfig.from(node.objectOrEmpty("panic")),
        timeouts.duration("connect", Duration.ofSeconds(1), Duration.ofMillis(1)),
        requestTimeout,
        // How long a kept-alive connection may wait for its next request. Below the endpoint's
        // own idle close (60 s for this stack's listeners), or a request may go out on a
        // connection the endpoint is closing.
        timeouts.duration("idle", requestTimeout, Duration.ofMillis(1)),
        RetryConfig.from(node.objectOrEmpty("retry")),
        LimitsConfig.from(node.objectOrEmpty("limits")),
        DnsConfig.from(node.objectOrEmpty("dns")),
        debugHeader(node.objectOrEmpty("debugHeader")));
  }

  private static Optional<String> debugHeader(ConfigNode node) {
    node.requireOnly("enabled", "name");
    String name = node.string("name", "X-Balancer-Decision");
    if (!name.matches("[A-Za-z0-9-]+")) {
      throw node.error("name", name, "a header name such as X-Balancer-Decision");
    }
    return node.bool("enabled", false) ? Optional.of(name) : Optional.empty();
  }

  /** The configured strategy, with production randomness. */
  public BalancingStrategy newStrategy(Ticker ticker) {
    return switch (strategy) {
      case ROUND_ROBIN -> BalancingStrategy.roundRobin();
      case WEIGHTED_ROUND_ROBIN -> BalancingStrategy.weightedRoundRobin();
      case LEAST_REQUESTS -> BalancingStrategy.leastRequests();
      case POWER_OF_TWO_CHOICES ->
          BalancingStrategy.powerOfTwoChoices(ThreadLocalRandom::current, ticker, latency.decay());
      case RANDOM -> BalancingStrategy.random();
      case CONSISTENT_HASH -> BalancingStrategy.consistentHash(hash.loadFactor());
    };
  }

  /** A pool of these endpoints and policies (health and ejection flags start as configured). */
  public Pool newPool(Ticker ticker) {
    List<Endpoint> members = new ArrayList<>();
    for (EndpointSpec spec : endpoints) {
      members.add(new Endpoint(spec.address(), spec.weight(), healthCheck.initiallyHealthy()));
    }
    return Pool.builder(name, newStrategy(ticker))
        .endpoints(members)
        .slowStart(slowStart)
        .panic(panic)
        .latency(latency)
        .ticker(ticker)
        .build();
  }
}
