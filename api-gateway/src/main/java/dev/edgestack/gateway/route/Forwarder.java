package dev.edgestack.gateway.route;

import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * Streams a proxied route's request to its upstream pool at the expanded upstream path (client
 * query appended), with the identity headers of the caller and nothing a client claimed about
 * itself. The pool resumes the paused request and writes the response.
 */
public final class Forwarder {
  private final Map<String, UpstreamPool> pools;
  private final CircuitBreakers breakers;

  public Forwarder(Map<String, UpstreamPool> pools) {
    this(pools, CircuitBreakers.none());
  }

  public Forwarder(Map<String, UpstreamPool> pools, CircuitBreakers breakers) {
    this.pools = Map.copyOf(pools);
    this.breakers = breakers;
  }

  public Future<Void> forward(
      Exchange exchange,
      RouteTarget.Proxy target,
      Map<String, String> variables,
      Optional<Identity> identity) {
    return forward(exchange, target, variables, identity, ForwardOptions.NONE);
  }

  /**
   * Forwards within {@code limits} (the route's deadline and body cap), through the upstream's
   * circuit breaker.
   */
  public Future<Void> forward(
      Exchange exchange,
      RouteTarget.Proxy target,
      Map<String, String> variables,
      Optional<Identity> identity,
      ForwardOptions limits) {
    UpstreamPool pool = pools.get(target.upstream());
    if (pool == null) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Unknown upstream " + target.upstream()));
    }
    String uri = target.path().expand(variables, exchange.request().query());
    return breakers.guard(
        target.upstream(),
        () ->
            pool.forward(
                exchange, uri, headers -> IdentityHeaders.apply(identity, headers), limits),
        ignored -> exchange.request().response().getStatusCode());
  }
}
