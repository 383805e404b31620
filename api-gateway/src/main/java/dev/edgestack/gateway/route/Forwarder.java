package dev.edgestack.gateway.route;

import dev.edgestack.balancer.vertx.BodyRewrite;
import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.config.TrafficSplit;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
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

  /** Where a proxied or split route sends a request: the upstream's name and request target. */
  public record Destination(String upstream, String target) {}

  /**
   * The destination of a request to a proxied route, or to the side of a split route that the
   * request's stickiness key (or chance) picks; the upstream path template expanded with the path's
   * {@code variables} and the client's raw query (null when none) appended.
   */
  public Destination destination(
      RouteConfig route, Map<String, String> variables, String rawQuery, MultiMap headers) {
    RouteTarget target = route.target();
    if (route.access().queryToken()) {
      rawQuery = Authenticator.withoutQueryToken(rawQuery);
    }
    if (target instanceof RouteTarget.Split split) {
      return new Destination(
          split.split().pick(stickyKey(split.split(), headers), random),
          split.path().expand(variables, rawQuery));
    }
    RouteTarget.Proxy proxy = (RouteTarget.Proxy) target;
    return new Destination(proxy.upstream(), proxy.path().expand(variables, rawQuery));
  }

  /** The pool of {@code upstream}, if there is one. */
  public Optional<UpstreamPool> pool(String upstream) {
    return Optional.ofNullable(pools.get(upstream));
  }

  /** The circuit breakers calls to upstreams go through. */
  public CircuitBreakers breakers() {
    return breakers;
  }

  public Future<Void> forward(
      Exchange exchange,
      RouteConfig route,
      Map<String, String> variables,
      Optional<Identity> identity,
      ForwardOptions limits,
      BodyRewrite rewrite) {
    Destination destination =
        destination(route, variables, exchange.request().query(), exchange.request().headers());
    return forward(
        exchange, destination.upstream(), destination.target(), identity, limits, rewrite);
  }

  private static Optional<String> stickyKey(TrafficSplit split, MultiMap headers) {
    return split
        .sticky()
        .flatMap(
            sticky -> {
              if (sticky.cookie()) {
                return cookie(headers.getAll(HttpHeaders.COOKIE), sticky.name());
              }
              return Optional.ofNullable(headers.get(sticky.name()));
            })
        .filter(value -> !value.isEmpty());
  }

  private static Optional<String> cookie(List<String> cookieHeaders, String name) {
    for (String header : cookieHeaders) {
      for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
        if (cookie.name().equals(name)) {
          return Optional.of(cookie.value());
        }
      }
    }
    return Optional.empty();
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
