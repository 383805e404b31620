package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.listener.EdgeListener;
import dev.edgestack.runtime.listener.ListenerConfig;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The HTTP listener of a load-balancing tier: every request is forwarded unchanged to the pool the
 * router chooses by path; a request no pool takes gets a 404 problem. The plain port is served by
 * Vert.x's HTTP server (HTTP/1.1, h2c when enabled) or, with {@code server.engine: relay}, by the
 * byte-level {@link Http1Relay}; the TLS port (h2 by ALPN) always by Vert.x.
 */
public final class ProxyServer {
  private ProxyServer() {}

  /**
   * Listens on the instance's server host and port (and its TLS port when configured), parsing
   * HTTP/1.x strictly, and registers the servers for draining.
   */
  public static Future<Void> start(
      EdgeContext context, Function<String, Optional<UpstreamPool>> router) {
    // HTTP/1 bodies are counted as they are parsed (StrictHttp1Handler, Http1Relay); an HTTP/2
    // body without a declared length only as it streams to the upstream.
    ForwardOptions http2Limits =
        new ForwardOptions(
            Optional.empty(), OptionalLong.of(context.settings().listener().maxBodyBytes()));
    Handler<HttpServerRequest> handler =
        request -> {
          Exchange exchange = Exchange.begin(request, context.accessLog());
          Optional<UpstreamPool> pool = router.apply(request.path());
          if (pool.isEmpty()) {
            context
                .failures()
                .respond(
                    exchange,
                    EdgeFailure.of(FailureKind.NO_ROUTE, "No pool serves " + request.path()));
            return;
          }
          pool.get()
              .forward(
                  exchange,
                  request.uri(),
                  headers -> {},
                  request.version() == HttpVersion.HTTP_2 ? http2Limits : ForwardOptions.NONE)
              .onFailure(failure -> context.failures().respond(exchange, failure));
        };
    if (context.settings().listener().engine() == ListenerConfig.Engine.VERTX) {
      return EdgeListener.start(context, handler).mapEmpty();
    }
    return startRelay(context, RelayGate.byPath(router), handler);
  }

  /**
   * Serves the instance's plain port with the {@link Http1Relay} deciding by {@code gate}, and its
   * TLS port (when configured) with Vert.x and {@code tlsHandler}; both drain on shutdown.
   */
  public static Future<Void> startRelay(
      EdgeContext context, RelayGate gate, Handler<HttpServerRequest> tlsHandler) {
    var settings = context.settings();
    return Http1Relay.start(context, settings.host(), settings.port(), settings.listener(), gate)
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        context.config().source() + ": " + failure.getMessage(), failure)))
        .compose(
            relay -> {
              // The relay first: the instance reports its first server as the HTTP port.
              context.drainOnShutdown(relay);
              return EdgeListener.startTls(context, tlsHandler).mapEmpty();
            });
  }
}
