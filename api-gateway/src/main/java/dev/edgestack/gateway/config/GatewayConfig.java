package dev.edgestack.gateway.config;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.RuntimeSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's own configuration, read and validated once at start-up: the cluster for shared rate
 * limits, JWT verification, API keys, upstream pools (each with an optional {@code circuitBreaker},
 * see {@link CircuitBreakerConfig}), rate-limit policies and routes. Every reference between
 * sections is checked here.
 */
public record GatewayConfig(
    Optional<ClusterConfig> cluster,
    List<JwtConfig> issuers,
    Optional<ApiKeyConfig> apiKeys,
    Map<String, PoolConfig> upstreams,
    Map<String, RateLimitConfig> rateLimits,
    List<RouteConfig> routes,
    Map<String, CircuitBreakerConfig> circuitBreakers) {

  /** The top-level keys of a gateway file, common ones included. */
  public static final List<String> KEYS = keys();

  private static final String CIRCUIT_BREAKER = "circuitBreaker";

  public GatewayConfig {
    issuers = List.copyOf(issuers);
    upstreams = Map.copyOf(upstreams);
    rateLimits = Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
    routes = List.copyOf(routes);
    circuitBreakers = Map.copyOf(circuitBreakers);
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>(RuntimeSettings.KEYS);
    keys.addAll(List.of("cluster", "auth", "upstreams", "rateLimits", "routes"));
    return List.copyOf(keys);
  }

  /** The first (with {@code auth.jwt}, the only) trusted issuer, if any. */
  public Optional<JwtConfig> jwt() {
    return issuers.stream().findFirst();
  }

  /** Reads the gateway sections of {@code root}; a {@code ConfigException} names file and key. */
  public static GatewayConfig from(ConfigNode root) {
    root.requireOnly(KEYS.toArray(String[]::new));
    ConfigNode auth = root.objectOrEmpty("auth").requireOnly("jwt", "issuers", "apiKeys");
    List<JwtConfig> issuers = issuers(auth);
    Optional<ApiKeyConfig> apiKeys = auth.optionalObject("apiKeys").map(ApiKeyConfig::from);

    Map<String, PoolConfig> upstreams = new LinkedHashMap<>();
    Map<String, CircuitBreakerConfig> circuitBreakers = new LinkedHashMap<>();
    List<String> upstreamKeys = new ArrayList<>(PoolConfig.KEYS);
    upstreamKeys.add(CIRCUIT_BREAKER);
    root.objectEntries("upstreams")
        .forEach(
            (name, node) -> {
              node.requireOnly(upstreamKeys.toArray(String[]::new));
              upstreams.put(name, PoolConfig.from(node, name));
              node.optionalObject(CIRCUIT_BREAKER)
                  .ifPresent(
                      breaker -> circuitBreakers.put(name, CircuitBreakerConfig.from(breaker)));
            });

    Map<String, RateLimitConfig> rateLimits = new LinkedHashMap<>();
    for (ConfigNode node : root.objects("rateLimits")) {
      RateLimitConfig policy = RateLimitConfig.from(node);
      if (rateLimits.putIfAbsent(policy.name(), policy) != null) {
        throw node.error("name", policy.name(), "a name not used by another rate limit");
      }
    }

    Optional<ClusterConfig> cluster = root.optionalObject("cluster").map(ClusterConfig::from);
    if (!rateLimits.isEmpty() && cluster.isEmpty()) {
      throw root.error("cluster", null, "a mapping: rate limits are shared through the cluster");
    }

    List<ConfigNode> routeNodes = root.objects("routes");
    if (routeNodes.isEmpty()) {
      throw root.error("routes", null, "a non-empty list of routes");
    }
    RouteConfig.Known known =
        new RouteConfig.Known(
            upstreams.keySet(),
            rateLimits.keySet(),
            rateLimits.values().stream()
                .filter(policy -> policy.key().needsIdentity())
                .map(RateLimitConfig::name)
                .collect(java.util.stream.Collectors.toSet()),
            !issuers.isEmpty(),
            apiKeys.isPresent());
    List<RouteConfig> routes = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ConfigNode node : routeNodes) {
      RouteConfig route = RouteConfig.from(node, known);
      if (!ids.add(route.id())) {
        throw node.error("id", route.id(), "an id not used by another route");
      }
      routes.add(route);
    }
    return new GatewayConfig(
        cluster, issuers, apiKeys, upstreams, rateLimits, routes, circuitBreakers);
  }

  /** {@code auth.jwt} (one issuer) or {@code auth.issuers} (a list), each issuer named once. */
  private static List<JwtConfig> issuers(ConfigNode auth) {
    Optional<JwtConfig> single = auth.optionalObject("jwt").map(JwtConfig::from);
    List<ConfigNode> nodes = auth.objects("issuers");
    if (single.isPresent()) {
      if (!nodes.isEmpty()) {
        throw auth.error("issuers", null, "either jwt (one issuer) or issuers, not both");
      }
      return List.of(single.get());
    }
    List<JwtConfig> issuers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigNode node : nodes) {
      JwtConfig issuer = JwtConfig.from(node);
      if (!names.add(issuer.issuer())) {
        throw node.error("issuer", issuer.issuer(), "an issuer not listed twice");
      }
      issuers.add(issuer);
    }
    return issuers;
  }
}
