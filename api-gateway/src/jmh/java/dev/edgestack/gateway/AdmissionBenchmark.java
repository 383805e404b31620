package dev.edgestack.gateway;

import dev.edgestack.gateway.auth.AuthMetrics;
import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.auth.JwksKeys;
import dev.edgestack.gateway.auth.TokenVerifier;
import dev.edgestack.gateway.auth.TrustedIssuers;
import dev.edgestack.gateway.config.AuthMode;
import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitKey;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.ratelimit.ImmediateStore;
import dev.edgestack.gateway.ratelimit.RateLimitHeaders;
import dev.edgestack.gateway.ratelimit.RateLimitKeys;
import dev.edgestack.gateway.ratelimit.RateLimitStatus;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.PathTemplate;
import dev.edgestack.gateway.route.UpstreamTemplate;
import dev.edgestack.runtime.security.DemoSigningKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What authentication and a leased rate limit cost one request of the gateway, in process: the
 * steps of {@code GatewaySteps.admit} and the header writes after them, for a cached RS256 token
 * (the size the demo issuer makes) and, with {@code limiter=leased}, a subject-keyed leased policy
 * that never runs out. {@code headersOnly} is the request's header map alone, to subtract. Run with
 * {@code mvn -o -q -pl api-gateway -am -Pjmh-gateway -DskipTests test -Djmh.args="-f 1 -wi 3 -w 1s
 * -i 5 -r 1s -prof gc AdmissionBenchmark"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
  @Param({"off", "leased"})
  public String limiter;

  private Vertx vertx;
  private JwksKeys keys;
  private Authenticator authenticator;
  private Authorizer authorizer;
  private RateLimiter rateLimiter;
  private RouteConfig route;
  private String authorization;
  private final Supplier<String> clientAddress = () -> "127.0.0.1";

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Path dir = Files.createTempDirectory("admission-bench");
    DemoSigningKey key = DemoSigningKey.loadOrCreate(dir.resolve("issuer-key.pem"));
    JwtConfig config =
        new JwtConfig(
            "https://issuer.bench",
            "bench",
            Optional.of(URI.create("http://127.0.0.1:9/.well-known/jwks.json")),
            List.of("RS256"),
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            10_000,
            "bench",
            8192,
            List.of());
    JsonObject jwks =
        new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.publicJwk())));
    keys =
        new JwksKeys(
            vertx, config, () -> Future.succeededFuture(jwks), Clock.systemUTC(), registry);
    keys.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!keys.loaded()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the JWKS did not load");
      }
      Thread.sleep(10);
    }
    TokenVerifier verifier = new TokenVerifier(config, keys, Clock.systemUTC());
    AuthMetrics metrics = new AuthMetrics(registry);
    authenticator =
        new Authenticator(
            Optional.of(new TrustedIssuers(List.of(verifier))), Optional.empty(), "bench", metrics);
    authorizer = new Authorizer("bench", metrics);
    RateLimitConfig policy =
        RateLimitConfig.of("bench-leased", 1_000_000_000, Duration.ofSeconds(1_000))
            .withKey(RateLimitKey.of(RateLimitKey.Kind.SUBJECT))
            .withLease(LeaseConfig.DEFAULT);
    // The store answers at once in process: what is measured is the gateway's own work.
    rateLimiter =
        new RateLimiter(List.of(policy), new ImmediateStore(), vertx, Clock.systemUTC(), registry);
    route =
        new RouteConfig(
            "leased",
            PathTemplate.parse("/bench/leased"),
            Set.of(HttpMethod.GET),
            AuthMode.JWT,
            List.of("accounts:read"),
            limiter.equals("leased") ? List.of(policy.name()) : List.of(),
            new RouteTarget.Proxy("backends", UpstreamTemplate.parse("/")));
    long now = System.currentTimeMillis() / 1000;
    authorization =
        "Bearer "
            + key.signJwt(
                new JsonObject()
                    .put("iss", "https://issuer.bench")
                    .put("sub", "alice")
                    .put("aud", "bench")
                    .put("scope", "accounts:read")
                    .put("client_id", "edge-stack-cli")
                    .put("iat", now)
                    .put("exp", now + 86_400)
                    .put("jti", UUID.randomUUID().toString())
                    .encode());
    if (admit() == null) {
      throw new IllegalStateException("the first request was not admitted at once");
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    if (rateLimiter != null) {
      rateLimiter.close();
    }
    if (keys != null) {
      keys.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The header map of a request as wrk sends it, nothing else. */
  @Benchmark
  public MultiMap headersOnly() {
    return requestHeaders();
  }

  /**
   * One admitted request: identity headers stripped, authenticated, authorized, rate limited,
   * identity headers set and the RateLimit fields written; null when a step was not done at once.
   */
  @Benchmark
  public MultiMap admit() {
    MultiMap headers = requestHeaders();
    IdentityHeaders.strip(headers);
    Future<Optional<Identity>> authenticated = authenticator.authenticate(route, headers, null);
    if (!authenticated.succeeded()) {
      return null;
    }
    Future<Optional<Identity>> authorized = authorizer.authorize(route, authenticated.result());
    if (!authorized.succeeded()) {
      return null;
    }
    Optional<Identity> identity = authorized.result();
    List<RateLimitStatus> limits = List.of();
    if (!route.rateLimits().isEmpty()) {
      Future<List<RateLimitStatus>> admitted =
          rateLimiter.admit(
              route.rateLimits(),
              key -> RateLimitKeys.of(key, clientAddress, identity, route.id(), headers));
      if (!admitted.succeeded()) {
        return null;
      }
      limits = admitted.result();
    }
    IdentityHeaders.apply(identity, headers);
    if (!limits.isEmpty()) {
      RateLimitHeaders.apply(limits, headers);
    }
    return headers;
  }

  private MultiMap requestHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.add("Host", "127.0.0.1:8080");
    headers.add("Authorization", authorization);
    return headers;
  }
}
