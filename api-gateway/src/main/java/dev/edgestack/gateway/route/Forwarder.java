package dev.edgestack.gateway.route;

import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
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

  public Forwarder(Map<String, UpstreamPool> pools) {
    this.pools = Map.copyOf(pools);
  }

  public Future<Void> forward(
      Exchange exchange,
      RouteTarget.Proxy target,
      Map<String, String> variables,
      Optional<Identity> identity) {
    UpstreamPool pool = pools.get(target.upstream());
    if (pool == null) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Unknown upstream " + target.upstream()));
    }
    String uri = target.path().expand(variables, exchange.request().query());
    return pool.forward(exchange, uri, headers -> IdentityHeaders.apply(identity, headers));
  }
}
