package dev.edgestack.gateway;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.Ticker;
import dev.edgestack.balancer.vertx.ProxyServer;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.ApiKeys;
import dev.edgestack.gateway.auth.AuthMetrics;
import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.JwksFetcher;
import dev.edgestack.gateway.auth.JwksKeys;
import dev.edgestack.gateway.auth.JwksSource;
import dev.edgestack.gateway.auth.TokenVerifier;
import dev.edgestack.gateway.auth.TrustedIssuers;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.compose.Composer;
import dev.edgestack.gateway.config.GatewayConfig;
import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.ratelimit.ClusterMember;
import dev.edgestack.gateway.ratelimit.RateLimitStore;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.listener.EdgeListener;
import dev.edgestack.runtime.listener.ListenerConfig;
import dev.edgestack.runtime.process.ConfigReloader;
import dev.edgestack.runtime.process.Deployable;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Starts an API gateway: reads its config, creates one upstream pool per {@code upstreams} entry,
 * the JWKS keys of each trusted issuer (readiness {@code jwks}, {@code jwks-2}, ...), the cluster
 * member for shared rate limits (readiness {@code cluster}) and the HTTP server running the {@link
 * GatewayPipeline}.
 */
public final class GatewayDeployable implements Deployable {
  private static final String DEFAULT_REALM = "edge-stack";
  // Built into running pools, key sets and limiters: a reload cannot swap them (the reloader
  // itself guards the listener sections).
  private static final List<String> RESTART_SECTIONS =
      List.of("cluster", "auth", "upstreams", "rateLimits");

  private final Clock clock;
  private final RandomGenerator random;

  public GatewayDeployable() {
    this(Clock.systemUTC());
  }

  /** With another clock for token expiry and rate limits (tests). */
  public GatewayDeployable(Clock clock) {
    // java.util.Random is thread-safe; a split draws once per request.
    this(clock, new Random());
  }

  /** With a clock and the randomness of traffic splits (tests: a seeded, thread-safe one). */
  public GatewayDeployable(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public Future<Void> start(EdgeContext context) {
    GatewayConfig config;
    boolean relay = context.settings().listener().engine() == ListenerConfig.Engine.RELAY;
    try {
      config = GatewayConfig.from(context.config());
      if (relay) {
        RelayGateway.check(context.config().source(), config.routes());
      }
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    for (Map.Entry<String, PoolConfig> upstream : config.upstreams().entrySet()) {
      pools.put(upstream.getKey(), UpstreamPool.create(context, upstream.getValue()));
    }
    CircuitBreakers breakers =
        CircuitBreakers.create(config.circuitBreakers(), context.registry(), Ticker.system());
    String realm = config.jwt().map(JwtConfig::realm).orElse(DEFAULT_REALM);
    RateLimiter rateLimiter =
        new RateLimiter(
                config.rateLimits().values(),
                rateLimitStore(context, config),
                context.vertx(),
                clock,
                context.registry())
            .startSweeping();
    context.closeOnShutdown(
        () -> {
          rateLimiter.close();
          return Future.succeededFuture();
        });
    AuthMetrics authMetrics = new AuthMetrics(context.registry());
    RouteMetrics routeMetrics = new RouteMetrics(context.registry(), config.routes());
    GatewaySteps steps =
        new GatewaySteps(
            new RouteTable(config.routes()),
            new Authenticator(
                trustedIssuers(context, config),
                config.apiKeys().map(ApiKeys::new),
                realm,
                authMetrics),
            new Authorizer(realm, authMetrics),
            rateLimiter);
    Forwarder forwarder = new Forwarder(pools, breakers, random);
    GatewayPipeline pipeline =
        new GatewayPipeline(
            context,
            steps,
            forwarder,
            new Composer(context.vertx(), pools, context.forwarded(), breakers, context.registry()),
            routeMetrics);
    ConfigReloader.start(
        context, candidate -> routesOnly(context, candidate, steps, routeMetrics, relay));
    if (relay) {
      // HTTP/1.1 on the plain port through the byte-level relay; TLS (h2 by ALPN) stays Vert.x.
      return ProxyServer.startRelay(
          context, new RelayGateway(steps, forwarder, routeMetrics), pipeline::handle);
    }
    // Strict parsing matters most when the gateway is the first tier (gateway-lb topology).
    return EdgeListener.start(context, pipeline::handle).mapEmpty();
  }

  /**
   * A reload changes routes only: their matching, auth, scopes, limits referenced, upstreams
   * referenced, composition, timeouts and transforms. Every other section was built into running
   * pools, key sets, limiters and listeners, so a change there is rejected, naming the sections,
   * and the instance must be restarted for it.
   */
  private static ConfigReloader.Applied routesOnly(
      EdgeContext context,
      ConfigNode candidate,
      GatewaySteps steps,
      RouteMetrics routeMetrics,
      boolean relay) {
    GatewayConfig next = GatewayConfig.from(candidate);
    if (relay) {
      RelayGateway.check(candidate.source(), next.routes());
    }
    ConfigReloader.requireUnchanged(
        ConfigReloader.changedKeys(context.config(), candidate, RESTART_SECTIONS),
        candidate,
        "routes");
    RouteTable table = new RouteTable(next.routes());
    return new ConfigReloader.Applied(
        () -> {
          routeMetrics.cover(next.routes());
          steps.replaceRoutes(table);
        },
        next.routes().size()
            + " routes: "
            + String.join(", ", next.routes().stream().map(RouteConfig::id).toList()));
  }

  private Optional<TrustedIssuers> trustedIssuers(EdgeContext context, GatewayConfig config) {
    List<TokenVerifier> verifiers = new ArrayList<>();
    for (int i = 0; i < config.issuers().size(); i++) {
      // The first issuer keeps the check name "jwks" that dashboards and tests know.
      String check = i == 0 ? "jwks" : "jwks-" + (i + 1);
      verifiers.add(tokenVerifier(context, config.issuers().get(i), check));
    }
    return verifiers.isEmpty() ? Optional.empty() : Optional.of(new TrustedIssuers(verifiers));
  }

  private TokenVerifier tokenVerifier(EdgeContext context, JwtConfig jwt, String check) {
    Optional<JwksFetcher> fetcher = jwt.jwksUrl().map(url -> new JwksFetcher(context.vertx(), jwt));
    JwksKeys keys =
        new JwksKeys(
            context.vertx(),
            jwt,
            fetcher.<JwksSource>map(f -> f).orElseGet(() -> JwksFetcher.staticKeys(jwt)),
            clock,
            context.registry());
    context
        .readiness()
        .register(
            check,
            promise ->
                promise.complete(
                    keys.loaded()
                        ? Status.OK()
                        : Status.KO(new JsonObject().put("reason", "no keys loaded yet"))));
    context.closeOnShutdown(
        () -> {
          keys.close();
          fetcher.ifPresent(JwksFetcher::close);
          return Future.succeededFuture();
        });
    keys.start();
    return new TokenVerifier(jwt, keys, clock);
  }

  private static RateLimitStore rateLimitStore(EdgeContext context, GatewayConfig config) {
    if (config.rateLimits().isEmpty() || config.cluster().isEmpty()) {
      return RateLimitStore.unavailable("no rate limits are configured");
    }
    ClusterMember member =
        ClusterMember.start(context, config.cluster().get(), config.rateLimits().values());
    return RateLimitStore.hazelcast(context.vertx(), member::instance);
  }
}
