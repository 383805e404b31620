package dev.edgestack.gateway;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.JwksFetcher;
import dev.edgestack.gateway.auth.JwksKeys;
import dev.edgestack.gateway.auth.TokenVerifier;
import dev.edgestack.gateway.compose.Composer;
import dev.edgestack.gateway.config.GatewayConfig;
import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.gateway.ratelimit.ClusterMember;
import dev.edgestack.gateway.ratelimit.RateLimitStore;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.listener.EdgeListener;
import dev.edgestack.runtime.process.Deployable;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts an API gateway: reads its config, creates one upstream pool per {@code upstreams} entry,
 * the JWKS keys (readiness {@code jwks}), the cluster member for shared rate limits (readiness
 * {@code cluster}) and the HTTP server running the {@link GatewayPipeline}.
 */
public final class GatewayDeployable implements Deployable {
  private static final String DEFAULT_REALM = "edge-stack";

  private final Clock clock;

  public GatewayDeployable() {
    this(Clock.systemUTC());
  }

  /** With another clock for token expiry and rate limits (tests). */
  public GatewayDeployable(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> start(EdgeContext context) {
    GatewayConfig config;
    try {
      config = GatewayConfig.from(context.config());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    for (Map.Entry<String, PoolConfig> upstream : config.upstreams().entrySet()) {
      pools.put(upstream.getKey(), UpstreamPool.create(context, upstream.getValue()));
    }
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
    GatewayPipeline pipeline =
        new GatewayPipeline(
            context,
            new RouteTable(config.routes()),
            new Authenticator(config.jwt().map(jwt -> tokenVerifier(context, jwt)), realm),
            new Authorizer(realm),
            rateLimiter,
            new Forwarder(pools),
            new Composer(context.vertx(), pools, context.forwarded()));
    // Strict parsing matters most when the gateway is the first tier (gateway-lb topology).
    return EdgeListener.start(context, pipeline::handle).mapEmpty();
  }

  private TokenVerifier tokenVerifier(EdgeContext context, JwtConfig jwt) {
    JwksFetcher fetcher = new JwksFetcher(context.vertx(), jwt);
    JwksKeys keys = new JwksKeys(context.vertx(), jwt, fetcher, clock, context.registry());
    context
        .readiness()
        .register(
            "jwks",
            promise ->
                promise.complete(
                    keys.loaded()
                        ? Status.OK()
                        : Status.KO(new JsonObject().put("reason", "no keys loaded yet"))));
    context.closeOnShutdown(
        () -> {
          keys.close();
          fetcher.close();
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
