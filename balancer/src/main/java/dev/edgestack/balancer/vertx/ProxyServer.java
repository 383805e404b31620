package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.listener.EdgeListener;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP listener of a load-balancing tier: every request is forwarded unchanged to the pool the
 * router chooses; a request no pool takes gets a 404 problem. HTTP/1.1 (h2c when enabled) and, when
 * configured, HTTPS with h2 are served by one {@link EdgeListener}.
 */
public final class ProxyServer {
  private ProxyServer() {}

  /**
   * Listens on the instance's server host and port (and its TLS port when configured), parsing
   * HTTP/1.x strictly, and registers the servers for draining.
   */
  public static Future<EdgeListener> start(
      EdgeContext context, Function<HttpServerRequest, Optional<UpstreamPool>> router) {
    return EdgeListener.start(
        context,
        request -> {
          Exchange exchange = Exchange.begin(request, context.accessLog());
          Optional<UpstreamPool> pool = router.apply(request);
          if (pool.isEmpty()) {
            context
                .failures()
                .respond(
                    exchange,
                    EdgeFailure.of(FailureKind.NO_ROUTE, "No pool serves " + request.path()));
            return;
          }
          pool.get()
              .forward(exchange, request.uri(), headers -> {})
              .onFailure(failure -> context.failures().respond(exchange, failure));
        });
  }
}
