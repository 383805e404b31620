package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP listener of a load-balancing tier: every request is forwarded unchanged to the pool the
 * router chooses; a request no pool takes gets a 404 problem.
 */
public final class ProxyServer {
  private ProxyServer() {}

  /** Listens on the instance's server host and port and registers the server for draining. */
  public static Future<HttpServer> start(
      EdgeContext context, Function<HttpServerRequest, Optional<UpstreamPool>> router) {
    var settings = context.settings();
    HttpServerOptions options =
        new HttpServerOptions()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(16384)
            .setIdleTimeout(60)
            .setCompressionSupported(false);
    return context
        .vertx()
        .createHttpServer(options)
        .requestHandler(
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
            })
        .listen(settings.port(), settings.host())
        .onSuccess(context::drainOnShutdown);
  }
}
