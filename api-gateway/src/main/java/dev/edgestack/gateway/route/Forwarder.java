package dev.edgestack.gateway.route;

import dev.edgestack.balancer.vertx.BodyRewrite;
import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.config.TrafficSplit;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Streams a proxied or split route's request to its upstream pool at the expanded upstream path
 * (client query appended), with the identity headers of the caller and nothing a client claimed
 * about itself, its JSON body rewritten when the route says so. The pool resumes the paused request
 * and writes the response.
 */
public final class Forwarder {
  private final Map<String, UpstreamPool> pools;
  private final CircuitBreakers breakers;
  private final RandomGenerator random;

  public Forwarder(Map<String, UpstreamPool> pools) {
    // java.util.Random is thread-safe; the pick is a single draw per request.
    this(pools, CircuitBreakers.none(), new Random());
  }

  public Forwarder(
      Map<String, UpstreamPool> pools, CircuitBreakers breakers, RandomGenerator random) {
    this.pools = Map.copyOf(pools);
    this.breakers = breakers;
    this.random = random;
  }

  public Future<Void> forward(
      Exchange exchange,
      RouteTarget.Proxy target,
      Map<String, String> variables,
      Optional<Identity> identity,
      ForwardOptions limits,
      BodyRewrite rewrite) {
    String uri = target.path().expand(variables, exchange.request().query());
    return forward(exchange, target.upstream(), uri, identity, limits, rewrite);
  }

  /** Forwards to the side of the split that the request's stickiness key (or chance) picks. */
  public Future<Void> forward(
      Exchange exchange,
      RouteTarget.Split target,
      Map<String, String> variables,
      Optional<Identity> identity,
      ForwardOptions limits,
      BodyRewrite rewrite) {
    TrafficSplit split = target.split();
    String upstream = split.pick(stickyKey(split, exchange.request()), random);
    String uri = target.path().expand(variables, exchange.request().query());
    return forward(exchange, upstream, uri, identity, limits, rewrite);
  }

  private static Optional<String> stickyKey(TrafficSplit split, HttpServerRequest request) {
    return split
        .sticky()
        .flatMap(
            sticky -> {
              if (sticky.cookie()) {
                Cookie cookie = request.getCookie(sticky.name());
                return Optional.ofNullable(cookie).map(Cookie::getValue);
              }
              return Optional.ofNullable(request.getHeader(sticky.name()));
            })
        .filter(value -> !value.isEmpty());
  }

  /**
   * Forwards within {@code limits} (the route's deadline and body cap), through the upstream's
   * circuit breaker.
   */
  private Future<Void> forward(
      Exchange exchange,
      String upstream,
      String uri,
      Optional<Identity> identity,
      ForwardOptions limits,
      BodyRewrite rewrite) {
    UpstreamPool pool = pools.get(upstream);
    if (pool == null) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Unknown upstream " + upstream));
    }
    return breakers.guard(
        upstream,
        () ->
            pool.forward(
                exchange,
                uri,
                headers -> IdentityHeaders.apply(identity, headers),
                limits,
                rewrite),
        ignored -> exchange.request().response().getStatusCode());
  }
}
